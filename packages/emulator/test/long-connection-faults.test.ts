import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { attemptsReach, hire, type AppSettings } from './events-support.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { eventually } from './support/eventually.ts';
import { control, openApi } from './support/sdk.ts';
import { sdkWsClient } from './support/sdk-ws-client.ts';

type Connection = { connection_id: string; silenced: boolean; pings: number };
type Endpoint = { code: number; msg: string; data?: { URL: string; ClientConfig: Record<string, number> } };

const USER_CREATED = 'contact.user.created_v3';

async function connections(emulator: Emulator, appId: string): Promise<Connection[]> {
  return (await control<{ items: Connection[] }>(emulator, 'GET', `/_emulator/long-connections?app_id=${appId}`)).items;
}

async function discover(emulator: Emulator, body: unknown): Promise<Endpoint> {
  return (await openApi(emulator, 'POST', '/callback/ws/endpoint', { body })).body as Endpoint;
}

/** A bare WebSocket on a freshly discovered URL: the open socket, or the refused handshake's status and headers. */
function connect(url: string): Promise<{ socket: WebSocket } | { status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      response.resume();
    });
    socket.once('error', () => undefined);
  });
}

describe('long-connection endpoint and faults', () => {
  const emulators = emulatorPerTest();

  it('answers endpoint discovery with a one-time URL, the full ClientConfig, and the documented failures', async () => {
    const emulator = await emulators.start({ seed: 61, users: 5, departments: 2 });
    const { appId, appSecret } = emulator.defaultApp();
    const found = await discover(emulator, { AppID: appId, AppSecret: appSecret });
    expect(found.code).toBe(0);
    expect(found.data?.ClientConfig).toEqual({ PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 });
    const url = new URL(found.data?.URL ?? '');
    expect(url.protocol).toBe('ws:');
    expect([...url.searchParams.keys()][0]).not.toBe('service_id');
    expect(url.searchParams.get('service_id')).toMatch(/^\d+$/);

    expect((await discover(emulator, { AppID: appId, AppSecret: 'wrong' })).code).toBe(514);
    expect((await discover(emulator, { AppID: appId })).code).toBe(1000040344);
    expect((await discover(emulator, 'not an object')).code).toBe(1000040344);
    const store = await control<AppSettings>(emulator, 'POST', '/_emulator/apps', { type: 'store' });
    expect((await discover(emulator, { AppID: store.app_id, AppSecret: store.app_secret })).code).toBe(403);
    expect((await openApi(emulator, 'PATCH', `/_emulator/apps/${store.app_id}`, { body: { event_mode: 'websocket' } })).body).toMatchObject({ code: 'invalid_request' });

    // The URL works once; a second use is refused at the handshake with Feishu's headers.
    const first = await connect(found.data?.URL ?? '');
    expect('socket' in first).toBe(true);
    if ('socket' in first) emulators.onCleanup(async () => void first.socket.terminate());
    const again = await connect(found.data?.URL ?? '');
    expect(again).toMatchObject({ status: 403, headers: { 'handshake-status': '514' } });
  });

  it('allows at most 50 connections per app', async () => {
    const emulator = await emulators.start({ seed: 62, users: 5, departments: 2 });
    const { appId, appSecret } = emulator.defaultApp();
    const sockets: WebSocket[] = [];
    emulators.onCleanup(async () => sockets.forEach((socket) => socket.terminate()));
    // Discover the 51st URL while 50 are still unused: the cap is enforced again at the handshake.
    const urls: string[] = [];
    for (let index = 0; index < 51; index += 1) urls.push((await discover(emulator, { AppID: appId, AppSecret: appSecret })).data?.URL ?? '');
    for (const url of urls.slice(0, 50)) {
      const opened = await connect(url);
      if (!('socket' in opened)) throw new Error(`connection refused: ${opened.status}`);
      sockets.push(opened.socket);
    }
    expect(await connections(emulator, appId)).toHaveLength(50);
    expect((await discover(emulator, { AppID: appId, AppSecret: appSecret })).code).toBe(1000040350);
    expect(await connect(urls[50] ?? '')).toMatchObject({ status: 403, headers: { 'handshake-autherrcode': '1000040350' } });
  });

  it('makes a connection half-open: the SDK liveness watchdog notices and reconnects', async () => {
    const emulator = await emulators.start({ seed: 63, users: 10, departments: 2 });
    const app = await control<AppSettings>(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    await control(emulator, 'PATCH', '/_emulator/long-connections/config', { ping_interval: 1, reconnect_interval: 1, reconnect_nonce: 0 });
    const ws = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED], { pingTimeoutSeconds: 1 }));
    const [before] = await connections(emulator, app.app_id);
    expect(await control(emulator, 'POST', '/_emulator/long-connections/silence', { connection_id: before?.connection_id })).toEqual({ silenced: 1 });

    const replaced = await eventually(async () => {
      const now = await connections(emulator, app.app_id);
      return now.length === 1 && now[0]?.connection_id !== before?.connection_id ? now[0] : undefined;
    }, 10_000);
    expect(replaced?.silenced).toBe(false);
    await hire(emulator, { name: 'After Silence' });
    const event = await eventually(() => ws.received[0]);
    expect((event.data['object'] as { name: string }).name).toBe('After Silence');
  });

  it('refuses reconnects for a while; the SDK keeps trying and gets back in when the refusal ends', async () => {
    const emulator = await emulators.start({ seed: 64, users: 10, departments: 2 });
    const app = await control<AppSettings>(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    await control(emulator, 'PATCH', '/_emulator/long-connections/config', { reconnect_interval: 1, reconnect_nonce: 0 });
    const ws = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED]));
    await control(emulator, 'POST', '/_emulator/long-connections/refuse', { app_id: app.app_id, seconds: 600, mode: 'handshake' });
    await control(emulator, 'POST', '/_emulator/long-connections/drop', { app_id: app.app_id });
    // The client tries again, and again, while the refusal lasts; each handshake is refused.
    type Handshake = { accepted: boolean; handshake_status: number | null };
    const handshakes = async () => (await control<{ items: Handshake[] }>(emulator, 'GET', `/_emulator/long-connections/handshakes?app_id=${app.app_id}`)).items;
    const refused = await eventually(async () => {
      const items = (await handshakes()).filter((item) => !item.accepted);
      return items.length >= 2 ? items : undefined;
    });
    expect(refused[0]?.handshake_status).toBe(1);
    expect(await connections(emulator, app.app_id)).toEqual([]);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 600 });
    await eventually(async () => (await connections(emulator, app.app_id)).length === 1, 10_000);
    expect(ws.client.getConnectionStatus().state).toBe('connected');
  });

  it('retries an event that no client acknowledged within 3 s', async () => {
    const emulator = await emulators.start({ seed: 67, users: 10, departments: 2 });
    const { appId, appSecret } = emulator.defaultApp();
    await control(emulator, 'PATCH', `/_emulator/apps/${appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    const found = await discover(emulator, { AppID: appId, AppSecret: appSecret });
    const opened = await connect(found.data?.URL ?? '');
    if (!('socket' in opened)) throw new Error('not connected');
    emulators.onCleanup(async () => void opened.socket.terminate());
    // A client that reads frames and never answers them.
    let frames = 0;
    opened.socket.on('message', () => (frames += 1));

    await hire(emulator, { name: 'Unanswered' });
    const [attempt] = await attemptsReach(emulator, `?app_id=${appId}`, 1, 6_000);
    expect(attempt).toMatchObject({ status: 'retrying', transport: 'websocket', ack_code: null, error: 'no ack within 3000 ms' });
    expect(frames).toBe(1);
  });

  it('closes every connection and forgets frames, handshakes, refusals and settings on reset', async () => {
    const emulator = await emulators.start({ seed: 66, users: 5, departments: 2 });
    const { appId, appSecret } = emulator.defaultApp();
    const found = await discover(emulator, { AppID: appId, AppSecret: appSecret });
    const opened = await connect(found.data?.URL ?? '');
    if (!('socket' in opened)) throw new Error('not connected');
    const closed = new Promise((resolve) => opened.socket.once('close', resolve));
    await control(emulator, 'PATCH', '/_emulator/long-connections/config', { ping_interval: 5 });
    await control(emulator, 'POST', '/_emulator/long-connections/refuse', { app_id: appId, seconds: 60 });

    await control(emulator, 'POST', '/_emulator/reset');
    await closed;
    const after = await control<{ items: unknown[]; refusals: Record<string, unknown>; config: Record<string, number> }>(emulator, 'GET', '/_emulator/long-connections');
    expect(after).toMatchObject({ items: [], refusals: {}, config: { ping_interval: 120 } });
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/long-connections/handshakes')).items).toEqual([]);
  });

  it('refuses bad fault and config requests with a stable code', async () => {
    const emulator = await emulators.start({ seed: 65, users: 5, departments: 2 });
    const appId = emulator.defaultApp().appId;
    const call = async (method: string, path: string, body: unknown) => {
      const answer = await openApi(emulator, method, path, { body });
      return [answer.status, answer.body['code']];
    };
    expect(await call('POST', '/_emulator/long-connections/drop', {})).toEqual([400, 'invalid_request']);
    expect(await call('POST', '/_emulator/long-connections/drop', { app_id: 'cli_0000000000000000' })).toEqual([404, 'not_found']);
    expect(await call('POST', '/_emulator/long-connections/refuse', { app_id: appId, seconds: -1 })).toEqual([400, 'invalid_request']);
    expect(await call('POST', '/_emulator/long-connections/refuse', { app_id: appId, seconds: 5, mode: 'sulk' })).toEqual([400, 'invalid_request']);
    expect(await call('PATCH', '/_emulator/long-connections/config', { ping_interval: 0 })).toEqual([400, 'invalid_request']);
    expect(await call('PATCH', '/_emulator/long-connections/config', { colour: 1 })).toEqual([400, 'invalid_request']);
    expect(await call('PATCH', `/_emulator/apps/${appId}`, { event_mode: 'pigeon' })).toEqual([400, 'invalid_request']);
    expect(await call('PATCH', `/_emulator/apps/${appId}`, { callback_mode: 'websocket', card_callback_style: 'legacy' })).toEqual([400, 'invalid_request']);
  });
});
