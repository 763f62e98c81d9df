import type { Hono } from 'hono';
import { isGatewayError } from '../errors/index.ts';
import type { AppEnv } from './app-env.ts';
import type { Metrics } from './create-metrics.ts';

/**
 * One readiness condition; `check` rejects when the condition does not hold. An `advisory`
 * check is reported in the details but does not make the instance unready: a Feishu connection
 * with a wrong secret fails on every instance alike, and taking them all out of a load balancer
 * would stop the gateway serving everything else.
 */
export type ReadinessCheck = { readonly name: string; readonly check: () => Promise<void>; readonly advisory?: boolean };

/**
 * `/healthz`: the process is alive (no dependency is consulted, so a database outage does not
 * get the process restarted). `/readyz`: every readiness check passes (advisory ones aside), else
 * 503 with the failing ones named. `/metrics`: Prometheus text format.
 */
export function addHealthRoutes(app: Hono<AppEnv>, options: { checks: readonly ReadinessCheck[]; metrics: Metrics }): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks: Record<string, { ok: true } | { ok: false; reason: string; advisory?: true }> = {};
    await Promise.all(
      options.checks.map(async ({ name, check, advisory }) => {
        try {
          await check();
          checks[name] = { ok: true };
        } catch (error) {
          // Only our own messages are shown; a driver's message could reveal hosts or SQL.
          checks[name] = { ok: false, reason: isGatewayError(error) ? error.message : 'check failed', ...(advisory === true ? { advisory: true as const } : {}) };
        }
      }),
    );
    const ready = Object.values(checks).every((result) => result.ok || result.advisory === true);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    c.header('content-type', options.metrics.registry.contentType);
    return c.body(await options.metrics.registry.metrics());
  });
}
