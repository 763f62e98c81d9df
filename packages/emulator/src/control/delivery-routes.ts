import type { Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import type { EventFaults } from '../events/event-faults.ts';
import type { EventBus } from '../events/event-bus.ts';
import { readJson } from '../http/read-json.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

/**
 * What the emulator pushed and how it went (`GET /_emulator/deliveries`), and the delivery
 * faults: duplicates, shuffled order, added delay (`/_emulator/event-faults`).
 */
export function addDeliveryRoutes(app: Hono, state: EmulatorState, bus: EventBus): void {
  app.get('/_emulator/deliveries', (c) => {
    const filter = Object.fromEntries(
      (['app_id', 'event_type', 'status', 'event_id'] as const).flatMap((key) => {
        const value = c.req.query(key);
        return value === undefined || value === '' ? [] : [[key, value]];
      }),
    );
    return c.json({ items: bus.deliveries(filter) });
  });

  app.get('/_emulator/event-faults', (c) => c.json({ faults: describeFaults(bus.faults.describe()) }));

  app.post('/_emulator/event-faults', async (c) => {
    const body = await readJson(c);
    const appId = body['app_id'];
    if (appId !== undefined && (typeof appId !== 'string' || !state.apps.has(appId))) throw controlError(404, 'app_id must name an existing app');
    const number = (key: string, fallback: number, max: number) => {
      const value = body[key] ?? fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) throw controlError(400, `${key} must be a number from 0 to ${max}`);
      return value;
    };
    if (body['shuffle'] !== undefined && typeof body['shuffle'] !== 'boolean') throw controlError(400, 'shuffle must be true or false');
    const faults: EventFaults = {
      duplicateRate: number('duplicate_rate', 0, 1),
      shuffle: body['shuffle'] === true,
      shuffleWindowMs: number('shuffle_window_ms', 200, 60 * 60_000),
      delayMs: number('delay_ms', 0, 24 * 60 * 60_000),
    };
    bus.faults.set(appId, faults);
    return c.json({ faults: describeFaults(bus.faults.describe()) });
  });

  app.delete('/_emulator/event-faults', (c) => {
    bus.faults.clear(c.req.query('app_id'));
    return c.json({ faults: describeFaults(bus.faults.describe()) });
  });
}

/** Fault settings keyed by app id (`*` for every app), in the control API's snake_case. */
function describeFaults(table: Record<string, EventFaults>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table).map(([appId, faults]) => [
      appId,
      { duplicate_rate: faults.duplicateRate, shuffle: faults.shuffle, shuffle_window_ms: faults.shuffleWindowMs, delay_ms: faults.delayMs },
    ]),
  );
}
