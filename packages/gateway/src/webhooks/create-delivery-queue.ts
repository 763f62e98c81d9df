import { sql } from 'kysely';
import type { Database, DbTransaction } from '../db/index.ts';
import type { DirectoryChange } from '../directory/directory-change.ts';
import { entityKeyOf, webhookMessageId, webhookPayload } from './webhook-payload.ts';

/** One (subscription, entity) queue: the unit that is delivered in order. */
export type QueueKey = { readonly subscriptionId: string; readonly entityKey: string };

/** The head of a queue, claimed for one attempt; `attempts` counts this one and fences its result. */
export type ClaimedDelivery = {
  readonly id: string;
  readonly subscriptionId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly url: string;
  readonly sealedSecret: string;
};

export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | undefined; readonly code: string; readonly message: string; readonly retryInMs: number };

export type DeliveryQueue = {
  /**
   * Writes one pending delivery per change and subscription that is still enabled, in the
   * changes' order, in one statement inside the directory's transaction. Returns the queues
   * that got a delivery, each once.
   */
  record(transaction: DbTransaction, changes: readonly { readonly change: DirectoryChange; readonly subscriptionIds: readonly string[] }[]): Promise<QueueKey[]>;
  /**
   * Claims the oldest pending delivery of a queue if it is due and its subscription enabled:
   * the claim pushes its next attempt `leaseMs` ahead, so no other worker sends it meanwhile,
   * and nothing behind it is sent before it is settled. Undefined when there is nothing to send now.
   */
  claimHead(key: QueueKey, leaseMs: number): Promise<ClaimedDelivery | undefined>;
  /**
   * Records an attempt's result: delivered; or failed for good once `retryWindowMs` has passed
   * since the delivery was created; or pending again after `retryInMs`. Returns the new status,
   * or undefined when the claim had been taken over (its lease ran out) and nothing was written.
   */
  settle(claim: ClaimedDelivery, result: AttemptResult, retryWindowMs: number): Promise<'delivered' | 'failed' | 'pending' | undefined>;
  /** Queues whose head is due now, of enabled subscriptions: after a backoff, a crash, or a re-enable. */
  dueQueues(limit: number): Promise<QueueKey[]>;
  /** Deletes delivered and failed deliveries finished before `before`, and pending ones of deleted subscriptions. */
  purge(before: Date): Promise<number>;
};

/** The deliveries table as a set of per-entity queues (see migration 0007). */
export function createDeliveryQueue(database: Database): DeliveryQueue {
  const { kysely } = database;
  return {
    async record(transaction, changes) {
      const rows = changes.flatMap(({ change, subscriptionIds }) => {
        const payload = webhookPayload(change);
        return subscriptionIds.map((subscriptionId) => ({ subscriptionId, change, payload }));
      });
      if (rows.length === 0) return [];
      const column = <T>(pick: (row: (typeof rows)[number]) => T) => sql.val(rows.map(pick));
      // Selecting the subscriptions again inside the directory's transaction makes a disable or
      // delete exact, however stale the caller's cache of subscriptions was. Rows are inserted in
      // the changes' order: ids order each entity's queue.
      const result = await sql<{ subscription_id: string; entity_key: string }>`
        insert into webhook_deliveries (subscription_id, message_id, change_id, event_type, entity_key, payload)
        select s.id, v.message_id, v.change_id, v.event_type, v.entity_key, v.payload
        from unnest(
          ${column((row) => row.subscriptionId)}::bigint[], ${column((row) => webhookMessageId(row.change))}::text[],
          ${column((row) => row.change.id)}::text[], ${column((row) => row.change.type)}::text[],
          ${column((row) => entityKeyOf(row.change))}::text[], ${column((row) => row.payload)}::text[]
        ) with ordinality as v(subscription_id, message_id, change_id, event_type, entity_key, payload, position)
        join webhook_subscriptions s on s.id = v.subscription_id and s.enabled
        order by v.position
        on conflict (subscription_id, change_id) do nothing
        returning subscription_id::text as subscription_id, entity_key`.execute(transaction);
      const keys = new Map(result.rows.map((row) => [`${row.subscription_id}\0${row.entity_key}`, { subscriptionId: row.subscription_id, entityKey: row.entity_key }]));
      return [...keys.values()];
    },

    async claimHead(key, leaseMs) {
      // The head is chosen first (an init plan) and then re-checked under its row lock: of two
      // workers racing for it, the second sees the pushed next_attempt_at and claims nothing.
      const result = await sql<{ id: string; subscription_id: string; message_id: string; event_type: string; payload: string; attempts: number; created_at: Date; url: string; sealed_secret: string }>`
        update webhook_deliveries d
        set attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + ${leaseMs}::float8 * interval '1 millisecond'
        from webhook_subscriptions s
        where d.id = (
            select id from webhook_deliveries
            where subscription_id = ${key.subscriptionId} and entity_key = ${key.entityKey} and status = 'pending'
            order by id limit 1)
          and d.status = 'pending' and d.next_attempt_at <= now()
          and s.id = d.subscription_id and s.enabled
        returning d.id::text as id, d.subscription_id::text as subscription_id, d.message_id, d.event_type, d.payload, d.attempts, d.created_at, s.url, s.sealed_secret`.execute(kysely);
      const row = result.rows[0];
      if (row === undefined) return undefined;
      return {
        id: row.id,
        subscriptionId: row.subscription_id,
        messageId: row.message_id,
        eventType: row.event_type,
        payload: row.payload,
        attempts: Number(row.attempts),
        createdAt: new Date(row.created_at),
        url: row.url,
        sealedSecret: row.sealed_secret,
      };
    },

    async settle(claim, result, retryWindowMs) {
      const fence = sql`id = ${claim.id} and status = 'pending' and attempts = ${claim.attempts}`;
      if (result.ok) {
        const updated = await sql<{ status: 'delivered' }>`
          update webhook_deliveries
          set status = 'delivered', finished_at = now(), last_status = ${result.status}, last_error_code = null, last_error = null
          where ${fence} returning status`.execute(kysely);
        return updated.rows[0]?.status;
      }
      // The database's clock decides, as it does for claims: instances' clocks may differ.
      const updated = await sql<{ status: 'failed' | 'pending' }>`
        update webhook_deliveries
        set status = case when created_at + ${retryWindowMs}::float8 * interval '1 millisecond' <= now() then 'failed' else 'pending' end,
          finished_at = case when created_at + ${retryWindowMs}::float8 * interval '1 millisecond' <= now() then now() end,
          next_attempt_at = now() + ${result.retryInMs}::float8 * interval '1 millisecond',
          last_status = ${result.status ?? null}, last_error_code = ${result.code}, last_error = ${result.message.slice(0, 500)}
        where ${fence} returning status`.execute(kysely);
      return updated.rows[0]?.status;
    },

    async dueQueues(limit) {
      const result = await sql<{ subscription_id: string; entity_key: string }>`
        select d.subscription_id::text as subscription_id, d.entity_key
        from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id and s.enabled
        where d.status = 'pending' and d.next_attempt_at <= now()
          and not exists (
            select 1 from webhook_deliveries e
            where e.subscription_id = d.subscription_id and e.entity_key = d.entity_key and e.status = 'pending' and e.id < d.id)
        order by d.next_attempt_at
        limit ${limit}`.execute(kysely);
      return result.rows.map((row) => ({ subscriptionId: row.subscription_id, entityKey: row.entity_key }));
    },

    async purge(before) {
      const finished = await kysely.deleteFrom('webhook_deliveries').where('status', '<>', 'pending').where('finished_at', '<', before).executeTakeFirst();
      // A change recorded while its subscription was being deleted can outlive the delete
      // (no foreign key, see migration 0007); nothing would ever send it.
      const orphans = await sql`
        delete from webhook_deliveries d
        where d.status = 'pending' and not exists (select 1 from webhook_subscriptions s where s.id = d.subscription_id)`.execute(kysely);
      return Number(finished.numDeletedRows) + Number(orphans.numAffectedRows ?? 0n);
    },
  };
}
