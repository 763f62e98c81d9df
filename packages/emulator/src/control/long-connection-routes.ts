import type { Context, Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { readJson } from '../http/read-json.ts';
import type { LongConnectionConfig } from '../long-connection/client-config.ts';
import type { ConnectionFilter, LongConnectionHub, Refusal } from '../long-connection/long-connection-hub.ts';
import type { EmulatorState } from '../state/emulator-state.ts';

const CONFIG_FIELDS = {
  ping_interval: ['pingInterval', 1, 3600],
  reconnect_count: ['reconnectCount', -1, 1000],
  reconnect_interval: ['reconnectInterval', 0, 3600],
  reconnect_nonce: ['reconnectNonce', 0, 3600],
  fragment_bytes: ['fragmentBytes', 64, 16 * 1024 * 1024],
} as const satisfies Record<string, readonly [keyof LongConnectionConfig, number, number]>;

const REFUSAL_MODES: readonly Refusal['mode'][] = ['handshake', 'busy', 'internal'];

/**
 * The long-connection control API: who is connected, the frames on the wire, the ClientConfig
 * handed out, and the faults — drop a connection, make it half-open, refuse reconnects.
 */
export function addLongConnectionRoutes(app: Hono, state: EmulatorState, hub: LongConnectionHub): void {
  const filterOf = (c: Context): ConnectionFilter => {
    const appId = c.req.query('app_id');
    const connectionId = c.req.query('connection_id');
    return { ...(appId === undefined || appId === '' ? {} : { appId }), ...(connectionId === undefined || connectionId === '' ? {} : { connectionId }) };
  };
  const targetOf = (body: Record<string, unknown>): ConnectionFilter => {
    const appId = body['app_id'];
    const connectionId = body['connection_id'];
    if (appId !== undefined && (typeof appId !== 'string' || !state.apps.has(appId))) throw controlError(404, 'app_id must name an existing app');
    if (connectionId !== undefined && typeof connectionId !== 'string') throw controlError(400, 'connection_id must be a string');
    if (appId === undefined && connectionId === undefined) throw controlError(400, 'give app_id or connection_id');
    return { ...(appId === undefined ? {} : { appId }), ...(connectionId === undefined ? {} : { connectionId }) };
  };

  app.get('/_emulator/long-connections', (c) => c.json({ items: hub.connections(filterOf(c)), refusals: hub.refusals(), config: describeConfig(hub.config) }));

  app.get('/_emulator/long-connections/handshakes', (c) => c.json({ items: hub.handshakes(filterOf(c).appId) }));

  app.get('/_emulator/long-connections/frames', (c) => {
    const type = c.req.query('type');
    return c.json({ items: hub.frames({ ...filterOf(c), ...(type === undefined || type === '' ? {} : { type }) }) });
  });

  app.post('/_emulator/long-connections/drop', async (c) => {
    const dropped = hub.drop(targetOf(await readJson(c)));
    return c.json({ dropped });
  });

  app.post('/_emulator/long-connections/silence', async (c) => {
    const silenced = hub.silence(targetOf(await readJson(c)));
    return c.json({ silenced });
  });

  // Refuses new connections of an app for a while (emulated time); `seconds: 0` lifts it.
  app.post('/_emulator/long-connections/refuse', async (c) => {
    const body = await readJson(c);
    const appId = body['app_id'];
    if (typeof appId !== 'string' || !state.apps.has(appId)) throw controlError(404, 'app_id must name an existing app');
    const seconds = body['seconds'];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 7 * 24 * 3600) throw controlError(400, 'seconds must be a number from 0 to 604800');
    const mode = body['mode'] ?? 'handshake';
    if (typeof mode !== 'string' || !(REFUSAL_MODES as readonly string[]).includes(mode)) throw controlError(400, `mode must be ${REFUSAL_MODES.join(', ')}`);
    hub.refuse(appId, seconds === 0 ? undefined : { mode: mode as Refusal['mode'], until: state.clock.now() + seconds * 1000 });
    return c.json({ refusals: hub.refusals() });
  });

  app.patch('/_emulator/long-connections/config', async (c) => {
    const body = await readJson(c);
    const changes: Partial<Record<keyof LongConnectionConfig, number>> = {};
    for (const [key, value] of Object.entries(body)) {
      const field = CONFIG_FIELDS[key as keyof typeof CONFIG_FIELDS] as (typeof CONFIG_FIELDS)[keyof typeof CONFIG_FIELDS] | undefined;
      if (field === undefined) throw controlError(400, `unknown setting ${key}; settings: ${Object.keys(CONFIG_FIELDS).join(', ')}`);
      const [name, min, max] = field;
      if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw controlError(400, `${key} must be a whole number from ${min} to ${max}`);
      changes[name] = value as number;
    }
    return c.json({ config: describeConfig(hub.configure(changes)) });
  });
}

function describeConfig(config: LongConnectionConfig): Record<string, number> {
  return Object.fromEntries(Object.entries(CONFIG_FIELDS).map(([key, [name]]) => [key, config[name]]));
}
