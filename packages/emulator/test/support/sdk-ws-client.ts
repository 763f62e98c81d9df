import * as lark from '@larksuiteoapi/node-sdk';
import type { Emulator } from '../../src/index.ts';
import type { Received } from './sdk-receiver.ts';
import { silentLogger } from './sdk.ts';

export type SdkWsClient = {
  client: lark.WSClient;
  received: Received[];
  /** How many times the SDK reported a successful reconnect. */
  reconnects: number;
  close(): Promise<void>;
};

type Handler = (data: Record<string, unknown>) => unknown;

/**
 * The official SDK's long-connection client (`WSClient`) pointed at the emulator, dispatching
 * `events` through an EventDispatcher. Each handled event lands in `received`; a handler in
 * `handlers` replaces the default one (which records and answers nothing) and may throw or
 * return a card-callback answer. Resolves once the client is connected.
 *
 * @example
 * const ws = await sdkWsClient(emulator, app, ['contact.user.created_v3']);
 */
export async function sdkWsClient(
  emulator: Emulator,
  app: { app_id: string; app_secret: string },
  events: readonly string[],
  options: { handlers?: Record<string, Handler>; pingTimeoutSeconds?: number } = {},
): Promise<SdkWsClient> {
  const received: Received[] = [];
  const state = { reconnects: 0 };
  const handlers = Object.fromEntries(
    events.map((type) => [
      type,
      async (data: Record<string, unknown>) => {
        received.push({ type, data });
        return options.handlers?.[type]?.(data);
      },
    ]),
  );
  const dispatcher = new lark.EventDispatcher({ logger: silentLogger }).register(handlers);
  let ready: () => void = () => {};
  const connected = new Promise<void>((resolve) => (ready = resolve));
  const client = new lark.WSClient({
    appId: app.app_id,
    appSecret: app.app_secret,
    domain: emulator.url,
    logger: silentLogger,
    loggerLevel: lark.LoggerLevel.error,
    onReady: () => ready(),
    onReconnected: () => (state.reconnects += 1),
    ...(options.pingTimeoutSeconds === undefined ? {} : { wsConfig: { pingTimeout: options.pingTimeoutSeconds } }),
  });
  await client.start({ eventDispatcher: dispatcher });
  await connected;
  return {
    client,
    received,
    get reconnects() {
      return state.reconnects;
    },
    close: async () => client.close({ force: true }),
  };
}
