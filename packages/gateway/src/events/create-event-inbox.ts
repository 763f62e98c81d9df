import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { JobDefinition, JobRunner } from '../jobs/index.ts';
import { openSecret, sealSecret, type Keyring } from '../secrets/index.ts';
import type { InboundEvent } from './event-registry.ts';

/** An event on its way into the inbox (before it has a row id). */
export type ArrivingEvent = Omit<InboundEvent, 'id'> & { readonly transport: 'http' | 'websocket' };

export type DispatchData = { readonly inboxId: string };

export type EventInbox = {
  /**
   * Stores the event and enqueues its dispatch in one transaction, committed before this
   * resolves: `stored`, or `duplicate` when the connection already had this event id (then
   * nothing is enqueued). Rejects with `events.inbox_unavailable` when the database cannot commit.
   */
  accept(event: ArrivingEvent, orderingKey: string | undefined): Promise<{ outcome: 'stored' | 'duplicate'; id: string | undefined }>;
  load(id: string): Promise<InboundEvent | undefined>;
  settle(id: string, outcome: { status: 'handled' } | { status: 'failed' | 'dead'; error: string }): Promise<void>;
  /** Deletes rows received before `before`; returns how many. */
  purge(before: Date): Promise<number>;
};

/**
 * The durable inbox (issue 6, item 3): the unique key (connection, event_id) turns Feishu's
 * at-least-once pushes into one row each, and the dispatch job is enqueued in the same
 * transaction, so an event is either stored with its job or not at all. Payloads are sealed with
 * the secret key, bound to their connection and event id.
 */
export function createEventInbox(deps: { database: Database; keyring: Keyring; jobs: () => JobRunner; dispatchJob: JobDefinition<DispatchData> }): EventInbox {
  const { kysely } = deps.database;
  return {
    async accept(event, orderingKey) {
      try {
        const accepted = await kysely.transaction().execute(async (transaction) => {
          const inserted = await transaction
            .insertInto('event_inbox')
            .values({
              connection: event.connection,
              event_id: event.eventId,
              event_type: event.eventType,
              schema: event.schema,
              tenant_key: event.tenantKey ?? null,
              created_at: event.createdAt,
              received_at: event.receivedAt,
              transport: event.transport,
              sealed_payload: sealSecret(deps.keyring, JSON.stringify(event.payload), payloadContext(event.connection, event.eventId)),
              last_error: null,
              handled_at: null,
            })
            .onConflict((conflict) => conflict.columns(['connection', 'event_id']).doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted === undefined) return { outcome: 'duplicate' as const, id: undefined };
          const id = String(inserted.id);
          // The queue runs one job per key at a time: events without an ordering key get their
          // own, or they would all share the empty key and run one by one.
          await deps.jobs().enqueue(deps.dispatchJob, { inboxId: id }, { transaction, singletonKey: orderingKey ?? `event:${id}` });
          return { outcome: 'stored' as const, id };
        });
        // Enqueued inside the transaction, the job was invisible until the commit: wake the workers now.
        if (accepted.outcome === 'stored') deps.jobs().wake(deps.dispatchJob);
        return accepted;
      } catch (error) {
        throw new GatewayError('events.inbox_unavailable', 'the event could not be stored; Feishu will retry it', { cause: error });
      }
    },

    async load(id) {
      const row = await kysely.selectFrom('event_inbox').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const payload = JSON.parse(openSecret(deps.keyring, row.sealed_payload, payloadContext(row.connection, row.event_id))) as Record<string, unknown>;
      return {
        id: String(row.id),
        connection: row.connection,
        eventId: row.event_id,
        eventType: row.event_type,
        schema: row.schema === '1.0' ? '1.0' : '2.0',
        tenantKey: row.tenant_key ?? undefined,
        createdAt: row.created_at,
        receivedAt: row.received_at,
        payload,
      };
    },

    async settle(id, outcome) {
      await kysely
        .updateTable('event_inbox')
        .set({
          status: outcome.status,
          attempts: sql`attempts + 1`,
          last_error: outcome.status === 'handled' ? null : outcome.error.slice(0, 1_000),
          handled_at: outcome.status === 'handled' ? new Date() : null,
        })
        .where('id', '=', id)
        .execute();
    },

    async purge(before) {
      const result = await kysely.deleteFrom('event_inbox').where('received_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

// Bound into each ciphertext: a sealed payload copied to another row does not open.
function payloadContext(connection: string, eventId: string): string {
  return `event_inbox:${JSON.stringify([connection, eventId])}`;
}
