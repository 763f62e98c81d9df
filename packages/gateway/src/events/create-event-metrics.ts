import { Counter, Histogram, type Registry } from 'prom-client';

export type EventMetrics = {
  /** Pushes by connection, event type and outcome: stored, duplicate, stale, challenge, or the refusal's error code. */
  readonly received: Counter<'connection' | 'type' | 'outcome'>;
  /** Time from a push's arrival to its answer (the ack Feishu waits 3 s for). */
  readonly ack: Histogram<'transport'>;
  /** Time from an event's arrival to the end of its handling (target: under 2 s). */
  readonly handled: Histogram<'type'>;
  /** Events whose handlers failed for good (dead-lettered). */
  readonly dead: Counter<'type'>;
};

/**
 * The inbound side's metrics (issue 6, item 8). Stale events and duplicates are outcomes of
 * `feishu_events_received_total`.
 */
export function createEventMetrics(registry: Registry): EventMetrics {
  return {
    received: new Counter({
      name: 'feishu_events_received_total',
      help: 'Inbound Feishu pushes, by connection, event type and outcome (stored, duplicate, stale, challenge, or an error code).',
      labelNames: ['connection', 'type', 'outcome'] as const,
      registers: [registry],
    }),
    ack: new Histogram({
      name: 'feishu_event_ack_seconds',
      help: 'Time to answer an inbound push (Feishu retries after 3 s).',
      labelNames: ['transport'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    }),
    handled: new Histogram({
      name: 'feishu_event_handled_seconds',
      help: 'Time from an event\'s arrival to the end of its handling, by event type.',
      labelNames: ['type'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    dead: new Counter({ name: 'feishu_events_dead_total', help: 'Events dead-lettered after their handlers kept failing, by event type.', labelNames: ['type'] as const, registers: [registry] }),
  };
}
