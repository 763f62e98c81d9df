import { createHash } from 'node:crypto';
import type { DbTransaction } from '../db/index.ts';

/** An event as handlers see it: who it came from, and its decrypted payload. */
export type InboundEvent = {
  /** The inbox row id. */
  readonly id: string;
  readonly connection: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly schema: '2.0' | '1.0';
  readonly tenantKey: string | undefined;
  readonly createdAt: Date;
  /** When it reached the gateway (set by the inbox; the time of arrival for an arriving event). */
  readonly receivedAt: Date;
  /** The whole envelope (v2 `{schema, header, event}` or v1 `{uuid, event, …}`). */
  readonly payload: Record<string, unknown>;
};

export type EventHandler = (event: InboundEvent) => Promise<void>;

/**
 * A handler whose database writes go through `transaction`, the one that marks the event
 * handled: they commit together or not at all, so each event's writes happen exactly once, even
 * across a crash or a retry. Database work only — no network calls, nothing slow: the
 * transaction holds a connection (on PGlite, the only one) while it runs.
 */
export type TransactionalEventHandler = (event: InboundEvent, transaction: DbTransaction) => Promise<void>;

export type EventHandlerOptions = {
  /**
   * Events with the same key run one at a time, in arrival order (for example one user's
   * contact events). Without a key, events of the type run in parallel.
   */
  readonly orderingKey?: (event: Omit<InboundEvent, 'id'>) => string | undefined;
};

/**
 * Where capabilities say which events they handle. Several handlers may take one type; an event
 * is handled once they have all succeeded, and retried (all of them) otherwise.
 *
 * - `on` handlers run first, outside any transaction: at least once. The inbox makes Feishu's
 *   duplicates disappear, but a retry after a failure or a crash runs them again, so they must
 *   tolerate that (an upsert, an idempotency key on an outgoing call).
 * - `onInTransaction` handlers run next, inside the transaction that marks the event handled:
 *   exactly once for their database writes. An event already marked handled (a crash between
 *   the commit and the queue's bookkeeping) is not run again.
 */
export type EventRegistry = {
  on(eventType: string, handler: EventHandler, options?: EventHandlerOptions): void;
  onInTransaction(eventType: string, handler: TransactionalEventHandler, options?: EventHandlerOptions): void;
  handlersFor(eventType: string): { readonly plain: readonly EventHandler[]; readonly transactional: readonly TransactionalEventHandler[] };
  /** The first ordering key a handler of the type gives for the event. */
  orderingKeyOf(event: Omit<InboundEvent, 'id'>): string | undefined;
};

type Entry = { readonly options: EventHandlerOptions } & ({ readonly plain: EventHandler } | { readonly transactional: TransactionalEventHandler });

/**
 * @example
 * const registry = createEventRegistry();
 * registry.on('contact.user.updated_v3', notifyHr, { orderingKey: (event) => userIdOf(event) });
 * registry.onInTransaction('contact.user.updated_v3', async (event, transaction) => await saveUser(transaction, event));
 */
export function createEventRegistry(): EventRegistry {
  const entries = new Map<string, Entry[]>();
  const add = (eventType: string, entry: Entry) => entries.set(eventType, [...(entries.get(eventType) ?? []), entry]);
  return {
    on: (eventType, handler, options = {}) => add(eventType, { plain: handler, options }),
    onInTransaction: (eventType, handler, options = {}) => add(eventType, { transactional: handler, options }),
    handlersFor(eventType) {
      const all = entries.get(eventType) ?? [];
      return {
        plain: all.flatMap((entry) => ('plain' in entry ? [entry.plain] : [])),
        transactional: all.flatMap((entry) => ('transactional' in entry ? [entry.transactional] : [])),
      };
    },
    orderingKeyOf(event) {
      for (const { options } of entries.get(event.eventType) ?? []) {
        const key = options.orderingKey?.(event);
        // Hashed: pg-boss writes the keys of running singleton jobs into its SQL as quoted text,
        // and a key comes from event content.
        if (key !== undefined) return `key:${createHash('sha256').update(JSON.stringify([event.connection, event.eventType, key])).digest('hex')}`;
      }
      return undefined;
    },
  };
}
