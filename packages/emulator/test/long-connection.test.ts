import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { attemptsReach, deliveries, hire, type AppSettings } from './events-support.ts';
import { someUsers } from './im-support.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { eventually } from './support/eventually.ts';
import { control } from './support/sdk.ts';
import { sdkWsClient } from './support/sdk-ws-client.ts';

type Connection = { connection_id: string; app_id: string; pings: number; acks: number; silenced: boolean };
type FrameRecord = { direction: string; type: string; message_id: string | null; seq: number | null; sum: number | null; ack_code: number | null; passed: boolean };

const USER_CREATED = 'contact.user.created_v3';

async function connections(emulator: Emulator, appId: string): Promise<Connection[]> {
  return (await control<{ items: Connection[] }>(emulator, 'GET', `/_emulator/long-connections?app_id=${appId}`)).items;
}

/** The default app in long-connection mode, subscribed to `events`, with fast reconnects. */
async function longConnectionApp(emulator: Emulator, events: readonly string[] = [USER_CREATED]): Promise<AppSettings> {
  await control(emulator, 'PATCH', '/_emulator/long-connections/config', { reconnect_interval: 1, reconnect_nonce: 0 });
  return control<AppSettings>(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { event_mode: 'websocket', subscribed_events: events });
}

describe('long-connection event delivery with the official WSClient (platform doc §5)', () => {
  const emulators = emulatorPerTest();

  it('connects, receives an event as the HTTP push would carry it, and acks it', async () => {
    const emulator = await emulators.start({ seed: 51, users: 20, departments: 4 });
    const app = await longConnectionApp(emulator);
    const ws = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED]));
    expect(await connections(emulator, app.app_id)).toHaveLength(1);

    const hired = await hire(emulator, { name: 'Over The Wire' });
    const event = await eventually(() => ws.received[0]);
    expect(event.type).toBe(USER_CREATED);
    expect(event.data['app_id']).toBe(app.app_id);
    expect((event.data['object'] as { user_id: string; name: string }).user_id).toBe(hired.user_id);

    const [delivery] = await attemptsReach(emulator, `?app_id=${app.app_id}&event_type=${USER_CREATED}`, 1);
    expect(delivery).toMatchObject({ status: 'delivered', transport: 'websocket', ack_code: 200, attempt: 1, event_id: event.data['event_id'] });
    const [connection] = await connections(emulator, app.app_id);
    expect(connection?.acks).toBe(1);
    // The SDK pings as soon as it connects and the emulator answers with a pong.
    const frames = (await control<{ items: FrameRecord[] }>(emulator, 'GET', `/_emulator/long-connections/frames?app_id=${app.app_id}`)).items;
    expect(frames.map((frame) => `${frame.direction}:${frame.type}`)).toEqual(expect.arrayContaining(['in:ping', 'out:pong', 'out:event', 'in:ack']));
  });

  it('fragments a large event; the SDK reassembles it', async () => {
    const emulator = await emulators.start({ seed: 52, users: 20, departments: 4 });
    const app = await longConnectionApp(emulator, ['im.message.receive_v1']);
    await control(emulator, 'PATCH', '/_emulator/long-connections/config', { fragment_bytes: 512 });
    const ws = emulators.track(await sdkWsClient(emulator, app, ['im.message.receive_v1']));
    const [author] = someUsers(emulator, 1);
    const text = 'long message '.repeat(300);
    await control(emulator, 'POST', '/_emulator/messages/from-user', { user_id: author, text });

    const event = await eventually(() => ws.received[0]);
    const message = event.data['message'] as { content: string };
    expect(JSON.parse(message.content)).toEqual({ text });
    const frames = (await control<{ items: FrameRecord[] }>(emulator, 'GET', `/_emulator/long-connections/frames?app_id=${app.app_id}&type=event`)).items;
    expect(frames.length).toBeGreaterThan(5);
    expect(new Set(frames.map((frame) => frame.message_id)).size).toBe(1);
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index));
    expect(frames.every((frame) => frame.sum === frames.length)).toBe(true);
  });

  it('survives a dropped connection: the SDK reconnects and the next event arrives', async () => {
    const emulator = await emulators.start({ seed: 53, users: 20, departments: 4 });
    const app = await longConnectionApp(emulator);
    const ws = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED]));
    const [before] = await connections(emulator, app.app_id);

    expect(await control(emulator, 'POST', '/_emulator/long-connections/drop', { app_id: app.app_id })).toEqual({ dropped: 1 });
    const [after] = await eventually(async () => {
      const now = await connections(emulator, app.app_id);
      return now.length === 1 && now[0]?.connection_id !== before?.connection_id ? now : undefined;
    });
    expect(after?.connection_id).not.toBe(before?.connection_id);
    await eventually(() => ws.reconnects === 1);

    await hire(emulator, { name: 'After The Drop' });
    const event = await eventually(() => ws.received[0]);
    expect((event.data['object'] as { name: string }).name).toBe('After The Drop');
  });

  it('gives each event to exactly one of two clients of the same app (cluster mode)', async () => {
    const emulator = await emulators.start({ seed: 54, users: 20, departments: 4 });
    const app = await longConnectionApp(emulator);
    const first = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED]));
    const second = emulators.track(await sdkWsClient(emulator, app, [USER_CREATED]));
    expect(await connections(emulator, app.app_id)).toHaveLength(2);

    const names = Array.from({ length: 16 }, (_, index) => `Cluster ${index}`);
    for (const name of names) await hire(emulator, { name });
    await eventually(() => first.received.length + second.received.length === names.length);
    await attemptsReach(emulator, `?app_id=${app.app_id}&status=delivered`, names.length);

    const nameOf = (received: { data: Record<string, unknown> }) => (received.data['object'] as { name: string }).name;
    const firstNames = first.received.map(nameOf);
    const secondNames = second.received.map(nameOf);
    expect([...firstNames, ...secondNames].sort()).toEqual([...names].sort());
    expect(firstNames.filter((name) => secondNames.includes(name))).toEqual([]);
    expect(firstNames.length).toBeGreaterThan(0);
    expect(secondNames.length).toBeGreaterThan(0);
    expect(await deliveries(emulator, `?app_id=${app.app_id}`)).toHaveLength(names.length);
  });

  it('redelivers an event whose handler failed, with the same event_id, on the retry schedule', async () => {
    const emulator = await emulators.start({ seed: 55, users: 20, departments: 4 });
    const app = await longConnectionApp(emulator);
    let calls = 0;
    const ws = emulators.track(
      await sdkWsClient(emulator, app, [USER_CREATED], {
        handlers: {
          [USER_CREATED]: () => {
            calls += 1;
            if (calls === 1) throw new Error('first attempt fails');
          },
        },
      }),
    );
    await hire(emulator, { name: 'Try Again' });
    const [failed] = await attemptsReach(emulator, `?app_id=${app.app_id}`, 1);
    expect(failed).toMatchObject({ status: 'retrying', ack_code: 500, transport: 'websocket' });

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 15 });
    const attempts = await attemptsReach(emulator, `?app_id=${app.app_id}`, 2);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(new Set(ws.received.map((received) => received.data['event_id']))).toEqual(new Set([failed?.event_id]));
    expect(ws.received).toHaveLength(2);
  });
});
