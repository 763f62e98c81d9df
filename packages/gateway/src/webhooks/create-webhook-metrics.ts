import { Counter, Histogram, type Registry } from 'prom-client';

export type WebhookMetrics = {
  /** Attempts by outcome: delivered, http_error, timeout, connection_failed, destination_forbidden, unresolvable, error. */
  readonly attempts: Counter<'outcome'>;
  /** Deliveries that ended, by outcome: delivered, or failed after the retry window. */
  readonly deliveries: Counter<'outcome'>;
  /** Time from a change being recorded to its delivery (includes retries and waiting behind earlier changes). */
  readonly latency: Histogram<never>;
  /** Time of one attempt: DNS, connection and the receiver's answer. */
  readonly attemptDuration: Histogram<'outcome'>;
};

/** Metrics of the outbound change webhooks (issue 7, item 6). */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  return {
    attempts: new Counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered, http_error, timeout, connection_failed, destination_forbidden, unresolvable, error).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries that ended, by outcome (delivered, or failed once the retry window passed).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'webhook_delivery_seconds',
      help: 'Time from a directory change being recorded to its webhook being delivered.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Time of one webhook delivery attempt (DNS, connection, answer), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** The `outcome` label of an attempt that did not deliver, from the error code it recorded. */
export function attemptOutcomeOf(code: string, status: number | undefined): string {
  if (code === 'webhooks.delivery_timeout') return 'timeout';
  if (code === 'webhooks.delivery_failed') return status === undefined ? 'connection_failed' : 'http_error';
  if (code === 'webhooks.destination_forbidden') return 'destination_forbidden';
  if (code === 'webhooks.destination_unresolvable') return 'unresolvable';
  return 'error';
}
