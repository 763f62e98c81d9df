import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import { attemptsReach, deliveries, eventually, hire, sdkReceiver, subscribe, type AppSettings, type Receiver } from './events-support.ts';
import { control } from './support/sdk.ts';

describe('event delivery faults', () => {
  let emulator: Emulator | undefined;
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await emulator?.close();
    emulator = undefined;
  });

  const setUp = async (seed: number) => {
    emulator = await createEmulator({ seed, users: 5 });
    const app = await control<AppSettings>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    receivers.push(receiver);
    await subscribe(emulator, app.app_id, receiver.url, ['contact.user.created_v3']);
    return { app, receiver, names: () => receiver.received.map((event) => (event.data['object'] as { name: string }).name) };
  };
  const advance = (ms: number) => control(emulator!, 'POST', '/_emulator/clock/advance', { ms });

  it('sends every event twice with the same event_id under duplicate_rate 1', async () => {
    const { app, receiver } = await setUp(31);
    await control(emulator!, 'POST', '/_emulator/event-faults', { app_id: app.app_id, duplicate_rate: 1 });
    await hire(emulator!, { name: 'Twice' });
    const attempts = await attemptsReach(emulator!, `?app_id=${app.app_id}`, 2);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.duplicate, attempt.status])).toEqual([
      [1, false, 'delivered'],
      [1, true, 'delivered'],
    ]);
    await eventually(() => (receiver.received.length === 2 ? true : undefined));
    expect(receiver.received[0]?.data['event_id']).toBe(receiver.received[1]?.data['event_id']);
    expect(receiver.received[0]?.data['event_id']).toBe(attempts[0]?.event_id);
  });

  it('holds events for the shuffle window and delivers them in another order', async () => {
    const { app, names } = await setUp(32);
    await control(emulator!, 'POST', '/_emulator/event-faults', { shuffle: true, shuffle_window_ms: 60_000 });
    const hired = ['A', 'B', 'C', 'D', 'E', 'F'];
    for (const name of hired) await hire(emulator!, { name });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deliveries(emulator!, `?app_id=${app.app_id}`)).toHaveLength(0);
    await advance(60_000);
    await eventually(() => (names().length === hired.length ? true : undefined));
    expect([...names()].sort()).toEqual(hired);
    expect(names()).not.toEqual(hired);
  });

  it('delays first pushes by delay_ms of emulated time', async () => {
    const { app, receiver } = await setUp(33);
    await control(emulator!, 'POST', '/_emulator/event-faults', { app_id: app.app_id, delay_ms: 30_000 });
    await hire(emulator!, { name: 'Delayed' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(0);
    await advance(30_000);
    await eventually(() => receiver.received[0]);
  });

  it('lists and clears faults, and rejects out-of-range settings', async () => {
    const { app } = await setUp(34);
    const set = await control<{ faults: Record<string, unknown> }>(emulator!, 'POST', '/_emulator/event-faults', { app_id: app.app_id, duplicate_rate: 0.5 });
    expect(set.faults[app.app_id]).toEqual({ duplicate_rate: 0.5, shuffle: false, shuffle_window_ms: 200, delay_ms: 0 });
    const bad = await fetch(`${emulator!.url}/_emulator/event-faults`, { method: 'POST', body: JSON.stringify({ duplicate_rate: 2 }) });
    expect(bad.status).toBe(400);
    const unknownApp = await fetch(`${emulator!.url}/_emulator/event-faults`, { method: 'POST', body: JSON.stringify({ app_id: 'cli_0000000000000000' }) });
    expect(unknownApp.status).toBe(404);
    expect(await control(emulator!, 'DELETE', '/_emulator/event-faults')).toEqual({ faults: {} });
  });

  it('holds events for an app in long-connection mode instead of pushing them', async () => {
    const { app, receiver } = await setUp(35);
    await control(emulator!, 'PATCH', `/_emulator/apps/${app.app_id}`, { event_mode: 'websocket' });
    await hire(emulator!, { name: 'Pending' });
    const [pending] = await deliveries(emulator!, `?app_id=${app.app_id}`);
    expect(pending).toMatchObject({ status: 'pending', attempt: 0, event_type: 'contact.user.created_v3' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(0);
  });
});
