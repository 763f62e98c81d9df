import { Gauge, type Registry } from 'prom-client';

const NAME = 'feishu_long_connection_up';

/**
 * `feishu_long_connection_up{connection}`: 1 while the connection's long connection is open, 0
 * otherwise. One gauge per registry, shared by every connection's long connection.
 *
 * @example
 * longConnectionUpGauge(metrics.registry).set({ connection: 'default' }, 1);
 */
export function longConnectionUpGauge(registry: Registry): Gauge<'connection'> {
  const existing = registry.getSingleMetric(NAME);
  if (existing !== undefined) return existing as Gauge<'connection'>;
  return new Gauge({
    name: NAME,
    help: 'Whether the long connection (FEISHU_EVENT_MODE=websocket) to Feishu is open: 1 up, 0 down, by connection.',
    labelNames: ['connection'] as const,
    registers: [registry],
  });
}
