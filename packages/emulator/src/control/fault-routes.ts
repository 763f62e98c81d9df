import type { Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { parseFaultRule, type FaultRule } from '../faults/fault-rule.ts';
import { faultsFor } from '../faults/fault-store.ts';
import { readJson } from '../http/read-json.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

/**
 * Fault injection: `POST|GET|DELETE /_emulator/faults`, `DELETE /_emulator/faults/:id`, and
 * `POST /_emulator/faults/invalidate-token` (the app's next call gets 99991663).
 */
export function addFaultRoutes(app: Hono, state: EmulatorState): void {
  app.post('/_emulator/faults/invalidate-token', async (c) => {
    const body = await readJson(c);
    const appId = body['app_id'] ?? state.defaultAppId;
    if (typeof appId !== 'string' || !state.apps.has(appId)) throw controlError(404, 'no such app');
    return c.json({ app_id: appId, invalidated: state.tokens.invalidate(appId) });
  });

  app.post('/_emulator/faults', async (c) => {
    const input = parseFaultRule(await readJson(c));
    if (input.appId !== undefined && !state.apps.has(input.appId)) throw controlError(404, 'no such app');
    return c.json(describeFault(faultsFor(state).add(input)), 201);
  });

  app.get('/_emulator/faults', (c) => c.json({ items: faultsFor(state).list().map(describeFault) }));

  app.delete('/_emulator/faults', (c) => c.json({ deleted: faultsFor(state).clear() }));

  app.delete('/_emulator/faults/:id', (c) => {
    if (!faultsFor(state).remove(c.req.param('id'))) throw controlError(404, 'no such fault');
    return c.json({ deleted: 1 });
  });
}

function describeFault(rule: FaultRule): Record<string, unknown> {
  return {
    id: rule.id,
    app_id: rule.appId ?? null,
    path: rule.path ?? null,
    method: rule.method ?? null,
    rate: rule.rate,
    status: rule.status ?? null,
    code: rule.code ?? null,
    msg: rule.msg ?? null,
    latency_ms: rule.latencyMs,
    count: rule.count ?? null,
    remaining: rule.remaining ?? null,
    matched: rule.matched,
    fired: rule.fired,
  };
}
