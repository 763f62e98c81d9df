import type { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../api-keys/index.ts';
import { GatewayError } from '../errors/index.ts';
import { readJsonBody, type AppEnv } from '../http/index.ts';
import { createEventsApiQuery, type EventFilters } from './events-api-query.ts';
import type { Database } from '../db/index.ts';
import { inboxIdSchema, isoTimeSchema, replayCriteriaSchema, type ReplayEvents } from './replay-events.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

const listQuerySchema = z
  .object({
    status: z.enum(['pending', 'handled', 'failed', 'dead'], { error: 'must be pending, handled, failed or dead' }).optional(),
    type: z.string().min(1).max(200).optional(),
    connection: z.string().min(1).max(200).optional(),
    since: isoTimeSchema.optional(),
    until: isoTimeSchema.optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: `must be a whole number from 1 to ${MAX_LIMIT}` })
      .transform(Number)
      .pipe(z.number().min(1, { error: `must be a whole number from 1 to ${MAX_LIMIT}` }).max(MAX_LIMIT, { error: `must be a whole number from 1 to ${MAX_LIMIT}` }))
      .optional(),
    cursor: z.string().max(100).optional(),
  })
  .strict();

/**
 * The events API (issue 6, item 6), mounted under the API-key middleware of `addApiRoutes`:
 * `GET /api/v1/events` (filters and cursor pagination, newest first), `GET /api/v1/events/:id`
 * and `POST /api/v1/events/replay`. Items never carry the payload.
 */
export function addEventsApiRoutes(deps: { database: Database; replay: ReplayEvents }): (app: Hono<AppEnv>) => void {
  const query = createEventsApiQuery(deps.database);
  return (app) => {
    app.get('/api/v1/events', requireScope('events:read'), async (c) => {
      const parsed = listQuerySchema.safeParse(c.req.query());
      if (!parsed.success) throw invalidQuery(parsed.error);
      const { status, type, connection, since, until, limit = DEFAULT_LIMIT, cursor } = parsed.data;
      const filters: EventFilters = {
        limit: limit + 1,
        ...(status === undefined ? {} : { status }),
        ...(type === undefined ? {} : { type }),
        ...(connection === undefined ? {} : { connection }),
        ...(since === undefined ? {} : { since: new Date(since) }),
        ...(until === undefined ? {} : { until: new Date(until) }),
        ...(cursor === undefined ? {} : { beforeId: decodeCursor(cursor) }),
      };
      // One row more than asked says whether another page follows.
      const rows = await query.list(filters);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return c.json({ items, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null });
    });

    app.post('/api/v1/events/replay', requireScope('events:replay'), async (c) => {
      const criteria = await readJsonBody(c, replayCriteriaSchema);
      const result = await deps.replay(criteria);
      c.get('logger').info({ criteria: 'ids' in criteria ? { ids: criteria.ids.length } : criteria, replayed: result.replayed, apiKey: c.get('apiKey').id }, 'events replayed');
      return c.json(result);
    });

    app.get('/api/v1/events/:id', requireScope('events:read'), async (c) => {
      const id = c.req.param('id');
      const event = inboxIdSchema.safeParse(id).success ? await query.get(id) : undefined;
      if (event === undefined) throw new GatewayError('events.not_found', `No event has the id "${id.slice(0, 40)}".`);
      return c.json(event);
    });
  };
}

// The cursor is the last id of the page, wrapped so that clients treat it as opaque.
function encodeCursor(id: string): string {
  return Buffer.from(`e:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = /^e:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match?.[1] === undefined) throw new GatewayError('http.invalid_query', 'Invalid query parameter cursor: not a cursor this API returned.');
  return match[1];
}

function invalidQuery(error: z.ZodError): GatewayError {
  const [issue] = error.issues;
  if (issue?.code === 'unrecognized_keys') return new GatewayError('http.invalid_query', `Unknown query parameter ${issue.keys.join(', ')}.`);
  const where = issue === undefined || issue.path.length === 0 ? 'query' : issue.path.join('.');
  return new GatewayError('http.invalid_query', `Invalid query parameter ${where}: ${issue?.message ?? 'unexpected value'}.`);
}
