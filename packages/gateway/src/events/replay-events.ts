import { z } from 'zod';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { JobDefinition, JobRunner } from '../jobs/index.ts';
import type { DispatchData, EventInbox } from './create-event-inbox.ts';
import type { EventRegistry } from './event-registry.ts';

/** The most events one replay may touch; a larger selection is refused, to be replayed in parts. */
export const REPLAY_LIMIT = 10_000;

/** Which events to replay: by inbox id, or by type, connection, status and time of arrival. */
export type ReplayCriteria =
  | { readonly ids: readonly string[] }
  | {
      readonly type?: string;
      readonly connection?: string;
      /** Received at or after. */
      readonly since?: Date;
      /** Received before. */
      readonly until?: Date;
      readonly status?: ReplayableStatus;
    };

/** Pending events already have a dispatch job on its way; replaying them would only run them twice. */
export type ReplayableStatus = 'handled' | 'failed' | 'dead';

export const inboxIdSchema = z.string().regex(/^\d{1,18}$/, { error: 'must be an event id (digits)' });
export const isoTimeSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, such as 2025-01-31T09:00:00Z' });

/**
 * Replay criteria as the API's body and the command line's flags give them: either `ids`, or at
 * least one of the other fields.
 */
export const replayCriteriaSchema = z
  .object({
    ids: z.array(inboxIdSchema).min(1, { error: 'needs at least one id' }).max(REPLAY_LIMIT, { error: `at most ${REPLAY_LIMIT} ids per replay` }).optional(),
    type: z.string().min(1).max(200).optional(),
    connection: z.string().min(1).max(200).optional(),
    since: isoTimeSchema.optional(),
    until: isoTimeSchema.optional(),
    status: z.enum(['handled', 'failed', 'dead'], { error: 'must be handled, failed or dead (pending events are not replayed)' }).optional(),
  })
  .strict()
  .superRefine((value, context) => {
    const filters = [value.type, value.connection, value.since, value.until, value.status].filter((field) => field !== undefined);
    if (value.ids !== undefined && filters.length > 0) context.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or filters (type, connection, since, until, status), not both' });
    if (value.ids === undefined && filters.length === 0) context.addIssue({ code: 'custom', path: [], message: 'give ids, or at least one of type, connection, since, until, status' });
  })
  .transform((value): ReplayCriteria => {
    if (value.ids !== undefined) return { ids: value.ids };
    return {
      ...(value.type === undefined ? {} : { type: value.type }),
      ...(value.connection === undefined ? {} : { connection: value.connection }),
      ...(value.since === undefined ? {} : { since: new Date(value.since) }),
      ...(value.until === undefined ? {} : { until: new Date(value.until) }),
      ...(value.status === undefined ? {} : { status: value.status }),
    };
  });

export type ReplayEvents = (criteria: ReplayCriteria) => Promise<{ replayed: number }>;

// Rows flipped back to pending and enqueued per transaction: small enough to keep each short.
const CHUNK = 500;

/**
 * Replay (issue 6, item 6): each selected event goes back to `pending` and gets a new dispatch
 * job, in one transaction per batch, exactly as `accept` stores a new one — so a row is pending
 * if and only if a job for it exists. A replayed event gets the full number of attempts again.
 * Events still pending are skipped: their job is on its way. Handlers run again, so they must be
 * idempotent, as they must be for retries.
 *
 * `orderingKeyOf` gives the key that keeps one entity's events in order; without it (the command
 * line, which has no handlers registered) the replayed events are dispatched unordered.
 *
 * @example
 * const replay = createEventReplay({ database, jobs: () => runner, dispatchJob });
 * await replay({ type: 'contact.user.updated_v3', status: 'dead' }); // { replayed: 12 }
 */
export function createEventReplay(deps: {
  database: Database;
  jobs: () => JobRunner;
  dispatchJob: JobDefinition<DispatchData>;
  orderingKeyOf?: (inboxId: string) => Promise<string | undefined>;
}): ReplayEvents {
  const { kysely } = deps.database;
  return async (criteria) => {
    let query = kysely.selectFrom('event_inbox').select('id').where('status', '!=', 'pending');
    if ('ids' in criteria) {
      query = query.where('id', 'in', [...criteria.ids]);
    } else {
      if (criteria.type !== undefined) query = query.where('event_type', '=', criteria.type);
      if (criteria.connection !== undefined) query = query.where('connection', '=', criteria.connection);
      if (criteria.since !== undefined) query = query.where('received_at', '>=', criteria.since);
      if (criteria.until !== undefined) query = query.where('received_at', '<', criteria.until);
      if (criteria.status !== undefined) query = query.where('status', '=', criteria.status);
    }
    const selected = (await query.orderBy('id').limit(REPLAY_LIMIT + 1).execute()).map((row) => String(row.id));
    if (selected.length > REPLAY_LIMIT) {
      throw new GatewayError('events.replay_too_large', `More than ${REPLAY_LIMIT} events match; narrow the replay by type, connection, status or time range.`);
    }

    let replayed = 0;
    for (let start = 0; start < selected.length; start += CHUNK) {
      const chunk = selected.slice(start, start + CHUNK);
      const keys = new Map<string, string | undefined>();
      if (deps.orderingKeyOf !== undefined) for (const id of chunk) keys.set(id, await deps.orderingKeyOf(id));
      replayed += await kysely.transaction().execute(async (transaction) => {
        // Re-checked here: a row that became pending since the selection already has its job.
        const flipped = await transaction
          .updateTable('event_inbox')
          .set({ status: 'pending', handled_at: null })
          .where('id', 'in', chunk)
          .where('status', '!=', 'pending')
          .returning('id')
          .execute();
        // As at intake: an event without an ordering key gets a key of its own, not the shared empty one.
        const jobs = flipped.map(({ id }) => ({ data: { inboxId: String(id) }, singletonKey: keys.get(String(id)) ?? `event:${String(id)}` }));
        await deps.jobs().enqueueMany(deps.dispatchJob, jobs, { transaction });
        return flipped.length;
      });
    }
    // Enqueued inside transactions, the jobs were invisible until the commits: wake the workers now.
    if (replayed > 0) deps.jobs().wake(deps.dispatchJob);
    return { replayed };
  };
}

/** The ordering key of a stored event, as its handlers define it (decrypts the payload). */
export function inboxOrderingKeys(inbox: EventInbox, registry: EventRegistry): (inboxId: string) => Promise<string | undefined> {
  return async (inboxId) => {
    const event = await inbox.load(inboxId);
    return event === undefined ? undefined : registry.orderingKeyOf(event);
  };
}
