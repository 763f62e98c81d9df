import * as lark from '@larksuiteoapi/node-sdk';
import { memoryCache, silentLogger } from './sdk.ts';
import { serve, type Receiver } from './serve.ts';

/** An event the SDK dispatched: its type and the handler's argument (header fields merged in). */
export type Received = { type: string; data: Record<string, unknown> };

export type SdkReceiver = Receiver & { received: Received[]; cache: ReturnType<typeof memoryCache> };

/**
 * The official SDK as an app's event receiver: its EventDispatcher behind `adaptDefault`, which
 * answers the url_verification challenge, decrypts, checks the signature and dispatches. Only
 * what passed those checks lands in `received`, so receiving is the proof of fidelity. The
 * dispatcher stores app_tickets in `cache`, where an SDK client given the same cache finds them.
 *
 * @example
 * const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
 */
export async function sdkReceiver(options: { encryptKey: string | null; verificationToken: string; events: readonly string[] }): Promise<SdkReceiver> {
  const received: Received[] = [];
  const cache = memoryCache();
  const handlers = Object.fromEntries(
    options.events.map((type) => [
      type,
      async (data: Record<string, unknown>) => {
        received.push({ type, data });
        return 'ok';
      },
    ]),
  );
  const dispatcher = new lark.EventDispatcher({
    ...(options.encryptKey === null ? {} : { encryptKey: options.encryptKey }),
    verificationToken: options.verificationToken,
    logger: silentLogger,
    cache,
  }).register(handlers);
  const handle = lark.adaptDefault('/events', dispatcher, { autoChallenge: true });
  return { received, cache, ...(await serve((request, response) => void handle(request, response))) };
}
