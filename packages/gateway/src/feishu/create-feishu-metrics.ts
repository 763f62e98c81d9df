import { Counter, Histogram, type Registry } from 'prom-client';

export type FeishuMetrics = {
  readonly requests: Counter<'api' | 'code'>;
  readonly duration: Histogram<'api'>;
  readonly throttled: Counter<'api'>;
  readonly retries: Counter<'api' | 'reason'>;
};

/**
 * The outbound client's metrics: calls by API and Feishu code (`network` when no answer came),
 * latency, 429s and retries. (Token cache hits and misses come from the token store; see
 * `createFeishu`.)
 */
export function createFeishuMetrics(registry: Registry): FeishuMetrics {
  return {
    requests: new Counter({ name: 'feishu_api_requests_total', help: 'Calls to the Feishu Open API, by API and Feishu code.', labelNames: ['api', 'code'] as const, registers: [registry] }),
    duration: new Histogram({
      name: 'feishu_api_request_duration_seconds',
      help: 'Time of one HTTP exchange with Feishu, by API.',
      labelNames: ['api'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    throttled: new Counter({ name: 'feishu_api_throttled_total', help: 'HTTP 429 answers from Feishu, by API.', labelNames: ['api'] as const, registers: [registry] }),
    retries: new Counter({ name: 'feishu_api_retries_total', help: 'Calls sent again, by API and reason (token, rate_limit, transient).', labelNames: ['api', 'reason'] as const, registers: [registry] }),
  };
}
