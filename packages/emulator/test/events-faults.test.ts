import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { attemptsReach, deliveries, hire, subscribe, type AppSettings } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver } from './support/sdk-receiver.ts';
import { control } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

describe('event delivery faults', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const listen = async (app: AppSettings) => {
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    perTest.track(receiver);
    expect((await subscribe(emulator!, app.app_id, receiver.url, ['contact.user.created_v3'])).url_verification?.ok).toBe(true);
    return receiver;
  };
  const setUp = async (seed: number) => {
    emulator = await perTest.start({ seed, users: 5 });
    const app = await control<AppSettings>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    const receiver = await listen(app);
    return { app, receiver, names: () => receiver.received.map((event) => nameOf(event.data)) };
  };
  /**
   * A second app, subscribed to the same events and free of faults (its own empty settings win
   * over global ones). Its pushes leave together with the first app's, so once it has received
   * an event, an unheld push of that event to the first app would have arrived as well.
   */
  const markerApp = async () => {
    const marker = await control<AppSettings>(emulator!, 'POST', '/_emulator/apps', { type: 'self_built', name: 'Marker' });
    await control(emulator!, 'POST', '/_emulator/event-faults', { app_id: marker.app_id });
    return { marker, receiver: await listen(marker) };
  };
  const nameOf = (data: Record<string, unknown>) => (data['object'] as { name: string }).name;
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
    await eventually(() => receiver.received.length === 2);
    expect(receiver.received[0]?.data['event_id']).toBe(receiver.received[1]?.data['event_id']);
    expect(receiver.received[0]?.data['event_id']).toBe(attempts[0]?.event_id);
  });

  it('holds events for the shuffle window and delivers them in another order', async () => {
    const { app, receiver, names } = await setUp(32);
    await control(emulator!, 'POST', '/_emulator/event-faults', { shuffle: true, shuffle_window_ms: 60_000 });
    const { receiver: markerReceiver } = await markerApp();
    const hired = ['A', 'B', 'C', 'D', 'E', 'F'];
    for (const name of hired) await hire(emulator!, { name });
    await eventually(() => markerReceiver.received.length === hired.length);
    expect(await deliveries(emulator!, `?app_id=${app.app_id}`)).toEqual([]);
    expect(receiver.received).toEqual([]);

    await advance(60_000);
    await eventually(() => names().length === hired.length);
    expect([...names()].sort()).toEqual(hired);
    expect(names()).not.toEqual(hired);
    // The window opened with the first event; every push left once it had passed (emulated time).
    const opened = Math.min(...receiver.received.map((event) => Number(event.data['create_time'])));
    const attempts = await attemptsReach(emulator!, `?app_id=${app.app_id}`, hired.length);
    for (const attempt of attempts) expect(attempt.time).toBeGreaterThanOrEqual(opened + 60_000);
  });

  it('delays first pushes by delay_ms of emulated time', async () => {
    const { app, receiver } = await setUp(33);
    await control(emulator!, 'POST', '/_emulator/event-faults', { app_id: app.app_id, delay_ms: 30_000 });
    const { receiver: markerReceiver } = await markerApp();
    await hire(emulator!, { name: 'Delayed' });
    await eventually(() => markerReceiver.received[0]);
    expect(await deliveries(emulator!, `?app_id=${app.app_id}`)).toEqual([]);
    expect(receiver.received).toEqual([]);

    await advance(30_000);
    const event = await eventually(() => receiver.received[0]);
    const [attempt] = await attemptsReach(emulator!, `?app_id=${app.app_id}`, 1);
    expect(attempt!.time - Number(event.data['create_time'])).toBeGreaterThanOrEqual(30_000);
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

  it('sends nothing over HTTP for an app in long-connection mode, and retries while no client is connected', async () => {
    const { app, receiver } = await setUp(35);
    await control(emulator!, 'PATCH', `/_emulator/apps/${app.app_id}`, { event_mode: 'websocket' });
    const { receiver: markerReceiver } = await markerApp();
    await hire(emulator!, { name: 'Pending' });
    await eventually(() => markerReceiver.received[0]);
    expect(await attemptsReach(emulator!, `?app_id=${app.app_id}`, 1)).toEqual([
      expect.objectContaining({ status: 'retrying', attempt: 1, transport: 'websocket', connection_id: null, event_type: 'contact.user.created_v3', error: 'no long-connection client of the app is connected' }),
    ]);
    expect(receiver.received).toEqual([]);
  });
});
