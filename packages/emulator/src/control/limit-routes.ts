import type { Hono } from 'hono';
import { limiterFor } from '../limits/limiter-for.ts';
import { RATE_LIMIT_POLICIES } from '../limits/rate-limit-policies.ts';
import { scaleLimit } from '../limits/rate-limiter.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

/**
 * Rate-limit counters for tests and dashboards: `GET /_emulator/rate-limits` (optionally filtered
 * by `app_id`, `api`, `scope`), `DELETE /_emulator/rate-limits` to start afresh, and
 * `GET /_emulator/rate-limits/policies` for the caps in force.
 */
export function addLimitRoutes(app: Hono, state: EmulatorState): void {
  app.get('/_emulator/rate-limits', (c) => {
    const filters = { app_id: c.req.query('app_id'), api: c.req.query('api'), scope: c.req.query('scope') };
    const items = limiterFor(state)
      .snapshot(state.clock.now(), state.options.rateLimitMultiplier)
      .filter((item) => (filters.app_id === undefined || item.app_id === filters.app_id) && (filters.api === undefined || item.api === filters.api) && (filters.scope === undefined || item.scope === filters.scope));
    return c.json({ multiplier: state.options.rateLimitMultiplier, items });
  });

  app.delete('/_emulator/rate-limits', (c) => c.json({ cleared: limiterFor(state).clear() }));

  app.get('/_emulator/rate-limits/policies', (c) =>
    c.json({
      multiplier: state.options.rateLimitMultiplier,
      items: RATE_LIMIT_POLICIES.map((policy) => ({
        api: policy.api,
        method: policy.method,
        path: policy.path,
        counted_by: policy.caller,
        target: policy.target ?? null,
        windows: policy.limits.map((cap) => {
          const limit = scaleLimit(cap.limit, state.options.rateLimitMultiplier);
          return { window_seconds: cap.windowMs / 1000, limit: Number.isFinite(limit) ? limit : -1 };
        }),
      })),
    }),
  );
}
