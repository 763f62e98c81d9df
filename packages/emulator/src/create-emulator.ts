import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { emitScopeUpdated } from './events/contact-events.ts';
import { createEventBus } from './events/event-bus.ts';
import { createEmulatorApp } from './http/create-emulator-app.ts';
import { createLongConnectionHub } from './long-connection/create-long-connection-hub.ts';
import { createEmulatorState, type EmulatorOptions, type EmulatorState } from './state/emulator-state.ts';
import type { App, ContactScope } from './state/types.ts';
import { issueAppTicket, scheduleAppTickets } from './tokens/app-tickets.ts';

export type CreateEmulatorOptions = EmulatorOptions & {
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
};

export type Emulator = {
  /** Base URL: give it to the SDK as `domain`, and to the gateway as `FEISHU_DOMAIN`. */
  readonly url: string;
  /** The live world, for in-process inspection; tests should prefer the control API. */
  readonly state: EmulatorState;
  /** The default self-built app, created at start (and again at reset). */
  defaultApp(): App;
  close(): Promise<void>;
};

/**
 * Starts an emulator in this process.
 *
 * @example
 * const emulator = await createEmulator({ seed: 7, users: 50 });
 * const client = new lark.Client({ appId: emulator.defaultApp().appId, appSecret: emulator.defaultApp().appSecret, domain: emulator.url });
 */
export async function createEmulator(options: CreateEmulatorOptions = {}): Promise<Emulator> {
  const state = createEmulatorState(options);
  // Reset rebuilds from the options given at start, not from settings changed since.
  const initialOptions = state.options;
  const hub = createLongConnectionHub(state);
  const bus = createEventBus(state, hub);
  const deliverTicket = (app: App, ticket: string) => bus.deliverAppTicket(app, ticket);
  const hooks = {
    reset() {
      bus.stop();
      hub.reset();
      state.clock.stop();
      Object.assign(state, createEmulatorState(initialOptions));
      scheduleAppTickets(state, deliverTicket);
    },
    resendAppTicket: (app: App) => issueAppTicket(state, app, deliverTicket),
    verifyEventUrl: (app: App) => bus.verifyEventUrl(app),
    contactScopeChanged: (app: App, tenantKey: string, previous: ContactScope) => emitScopeUpdated(bus, state, app, tenantKey, previous),
  };
  scheduleAppTickets(state, deliverTicket);

  const app = createEmulatorApp(state, hooks, bus, hub);
  const listener = getRequestListener(app.fetch);
  const server: Server = createServer((request, response) => void listener(request, response));
  server.keepAliveTimeout = 5_000;
  server.on('upgrade', (request, socket, head) => {
    if (!hub.handleUpgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    state,
    defaultApp: () => {
      const found = state.apps.get(state.defaultAppId);
      if (found === undefined) throw new Error('default app missing');
      return found;
    },
    async close() {
      bus.close();
      await hub.close();
      state.clock.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
