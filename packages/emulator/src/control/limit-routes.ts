import type { Hono } from 'hono';
import { apiCallsFor } from '../limits/api-calls-for.ts';
import { limiterFor } from '../limits/limiter-for.ts';
import { RATE_LIMIT_POLICIES } from '../limits/rate-limit-policies.ts';
import { scaleLimit } from '../limits/rate-limiter.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

/**
 * Rate-limit counters for tests and dashboards: `GET /_emulator/rate-limits` (optionally filtered
 * by `app_id`, `api`, `scope`), `DELETE /_emulator/rate-limits` to start afresh, and
 * `GET /_emulator/rate-limits/policies` for the caps in force; `GET /_emulator/api-calls` for
 * the number of calls each app made to each API.
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

  // Every rate-limited Open API call, per app and API, since start or the last DELETE: how many
  // requests a client really made (a sync's cost, a benchmark's figure).
  app.get('/_emulator/api-calls', (c) => {
    const appId = c.req.query('app_id');
    const items = apiCallsFor(state)
      .list()
      .filter((item) => appId === undefined || item.app_id === appId)
      .sort((a, b) => (a.api < b.api ? -1 : a.api > b.api ? 1 : 0));
    return c.json({ items, total: items.reduce((sum, item) => sum + item.calls, 0) });
  });
  app.delete('/_emulator/api-calls', (c) => c.json({ cleared: apiCallsFor(state).clear() }));

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
