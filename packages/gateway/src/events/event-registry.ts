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

export type EventHandlerOptions = {
  /**
   * Events with the same key run one at a time, in arrival order (for example one user's
   * contact events). Without a key, events of the type run in parallel.
   */
  readonly orderingKey?: (event: Omit<InboundEvent, 'id'>) => string | undefined;
};

/**
 * Where capabilities say which events they handle. Several handlers may take one type; an event
 * is handled once they have all succeeded, and retried (all of them) otherwise, so handlers must
 * tolerate running again — the inbox makes Feishu's duplicates disappear, not a handler's own
 * retries.
 */
export type EventRegistry = {
  on(eventType: string, handler: EventHandler, options?: EventHandlerOptions): void;
  handlersFor(eventType: string): readonly EventHandler[];
  /** The first ordering key a handler of the type gives for the event. */
  orderingKeyOf(event: Omit<InboundEvent, 'id'>): string | undefined;
};

/**
 * @example
 * const registry = createEventRegistry();
 * registry.on('contact.user.updated_v3', syncUser, { orderingKey: (event) => userIdOf(event) });
 */
export function createEventRegistry(): EventRegistry {
  const entries = new Map<string, { handler: EventHandler; options: EventHandlerOptions }[]>();
  return {
    on(eventType, handler, options = {}) {
      entries.set(eventType, [...(entries.get(eventType) ?? []), { handler, options }]);
    },
    handlersFor: (eventType) => (entries.get(eventType) ?? []).map((entry) => entry.handler),
    orderingKeyOf(event) {
      for (const { options } of entries.get(event.eventType) ?? []) {
        const key = options.orderingKey?.(event);
        if (key !== undefined) return `${event.connection}|${event.eventType}|${key}`;
      }
      return undefined;
    },
  };
}
