import type { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../api-keys/index.ts';
import { GatewayError } from '../errors/index.ts';
import { decodeIdCursor, encodeIdCursor, queryInteger, readJsonBody, readQuery, type AppEnv } from '../http/index.ts';
import { createEventsApiQuery, type EventFilters } from './events-api-query.ts';
import type { Database } from '../db/index.ts';
import { inboxIdSchema, isoTimeSchema, replayCriteriaSchema, type ReplayEvents } from './replay-events.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
// Tags the page cursors of this list (see id-cursor.ts).
const CURSOR_TAG = 'e';

/** The query of `GET /api/v1/events`, validated here and described in events-api-description.ts. */
export const listQuerySchema = z
  .object({
    status: z
      .enum(['pending', 'handled', 'failed', 'dead'], { error: 'must be pending, handled, failed or dead' })
      .optional()
      .meta({ description: 'pending (waiting for or being dispatched), handled, failed (will be retried) or dead (retries used up).' }),
    type: z.string().min(1).max(200).optional().meta({ description: 'The event type, such as `contact.user.updated_v3`.' }),
    connection: z.string().min(1).max(200).optional().meta({ description: 'The connection name, such as `default`.' }),
    since: isoTimeSchema.optional().meta({ description: 'Received at or after this time (ISO 8601 with a zone).' }),
    until: isoTimeSchema.optional().meta({ description: 'Received before this time.' }),
    limit: queryInteger(1, MAX_LIMIT).optional().meta({ description: `Items per page, 1 to ${MAX_LIMIT}; default ${DEFAULT_LIMIT}.` }),
    cursor: z.string().max(100).optional().meta({ description: 'The `next_cursor` of the previous page, unchanged.' }),
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
      const { status, type, connection, since, until, limit = DEFAULT_LIMIT, cursor } = readQuery(c, listQuerySchema);
      const filters: EventFilters = {
        limit: limit + 1,
        ...(status === undefined ? {} : { status }),
        ...(type === undefined ? {} : { type }),
        ...(connection === undefined ? {} : { connection }),
        ...(since === undefined ? {} : { since: new Date(since) }),
        ...(until === undefined ? {} : { until: new Date(until) }),
        ...(cursor === undefined ? {} : { beforeId: decodeIdCursor(CURSOR_TAG, cursor) }),
      };
      // One row more than asked says whether another page follows.
      const rows = await query.list(filters);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return c.json({ items, next_cursor: rows.length > limit && last !== undefined ? encodeIdCursor(CURSOR_TAG, last.id) : null });
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
