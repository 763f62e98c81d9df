import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventBus } from '../src/events/event-bus.ts';
import { createLongConnectionHub } from '../src/long-connection/create-long-connection-hub.ts';
import { createEmulatorState } from '../src/state/emulator-state.ts';

export type EventPushResult = { delivered: number; seconds: number; perSecond: number; failedAttempts: number };

const EVENT_TYPE = 'contact.user.updated_v3';

/**
 * Event pushes per second to a receiver that answers 200 at once: the bus signs and encrypts each
 * push (the default app has an Encrypt Key) and POSTs it over keep-alive HTTP. A window of
 * `inFlight` events is kept outstanding for `durationMs`.
 */
export async function benchEventPush(options: { seed: number; inFlight: number; durationMs: number }): Promise<EventPushResult> {
  let received = 0;
  let onReceived = () => {};
  const receiver = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      received += 1;
      onReceived();
    });
  });
  receiver.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;

  const state = createEmulatorState({ seed: options.seed, users: 10 });
  const hub = createLongConnectionHub(state);
  const bus = createEventBus(state, hub);
  const app = state.apps.get(state.defaultAppId);
  if (app === undefined) throw new Error('default app missing');
  app.eventRequestUrl = `http://127.0.0.1:${port}/webhook/event`;
  app.subscribedEvents.add(EVENT_TYPE);
  const event = { object: { open_id: 'ou_bench', name: 'Bench' }, old_object: { name: 'Before' } };

  let emitted = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  try {
    await new Promise<void>((resolve) => {
      const pump = () => {
        if (performance.now() >= deadline) {
          if (received >= emitted) resolve();
          return;
        }
        while (emitted - received < options.inFlight) {
          emitted += 1;
          bus.emit(state.defaultTenantKey, EVENT_TYPE, () => event);
        }
      };
      onReceived = pump;
      pump();
    });
    const seconds = (performance.now() - started) / 1000;
    const failedAttempts = bus.deliveries().filter((attempt) => attempt.status !== 'delivered').length;
    return { delivered: received, seconds, perSecond: Math.round(received / seconds), failedAttempts };
  } finally {
    bus.close();
    await hub.close();
    state.clock.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
