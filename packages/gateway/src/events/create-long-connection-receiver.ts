import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { checkVerificationToken } from './check-verification-token.ts';
import type { EventInbox } from './create-event-inbox.ts';
import type { EventMetrics } from './create-event-metrics.ts';
import { decryptPush } from './decrypt-push.ts';
import type { EventRegistry } from './event-registry.ts';
import { isJsonObject, type JsonObject } from './json-object.ts';
import { parseJsonObject } from './parse-json-object.ts';
import type { PushConnection } from './push-request.ts';
import { readCardActionTrigger, type CardCallback } from './open-card-callback.ts';
import { readEnvelope, type EventEnvelope } from './read-envelope.ts';
import { pushEventOf, storePush } from './store-push.ts';

/** An answer slower than this is logged: Feishu gives up at 3 s and retries (§5, §3.5). */

export type LongConnectionReceiverDeps = {
  readonly connection: PushConnection;
  readonly inbox: EventInbox;
  readonly registry: EventRegistry;
  readonly metrics: EventMetrics;
  readonly maxAgeMs: number;
  readonly logger: Logger;
  /**
   * Answers a `card.action.trigger` that arrived on this channel (callback mode "persistent
   * connection"): the body goes back in the ack's `data`. Without it, such callbacks are stored
   * like any event and answered with nothing.
   */
  readonly cards?: (callback: CardCallback) => Promise<object>;
  readonly now?: () => number;
};

/**
 * What the SDK's `WSClient` calls for every event frame, in place of an `EventDispatcher`: it
 * passes the parsed envelope as `invoke(envelope, { needCheck: false })`, acks the frame with
 * code 200 when the promise resolves and 500 when it rejects, and sends a resolved value back
 * base64-encoded in the ack's `data` (platform doc §5.2).
 */
export type LongConnectionReceiver = {
  invoke(data: unknown): Promise<object | undefined>;
  /** Resolves once every event being received has been answered. */
  drain(): Promise<void>;
};

/**
 * The long-connection twin of `POST /feishu/:connection/events`: the same envelope reading,
 * the same Verification Token check, the same stale-event drop and the same inbox, so an event
 * is stored and dispatched the same way whichever transport brought it. A rejection makes the
 * SDK ack 500, and Feishu redelivers on its retry schedule — which is what must happen when the
 * inbox cannot commit.
 *
 * There is no signature to check: the channel itself was opened with the App Secret (§5).
 *
 * @example
 * const receiver = createLongConnectionReceiver({ connection, inbox, registry, metrics, maxAgeMs, logger });
 * await wsClient.start({ eventDispatcher: receiver as unknown as lark.EventDispatcher });
 */
export function createLongConnectionReceiver(deps: LongConnectionReceiverDeps): LongConnectionReceiver {
  const now = deps.now ?? Date.now;
  const name = deps.connection.name;
  const inFlight = new Set<Promise<unknown>>();

  const receive = async (data: unknown): Promise<object | undefined> => {
    const started = performance.now();
    const answered = (type: string, outcome: string) => {
      deps.metrics.received.inc({ connection: name, type, outcome });
      deps.metrics.ack.observe({ transport: 'websocket' }, (performance.now() - started) / 1000);
    };
    let envelope: EventEnvelope;
    try {
      envelope = readLongConnectionEnvelope(data, deps.connection);
    } catch (error) {
      answered('unknown', isGatewayError(error) ? error.code : 'error');
      deps.logger.warn({ connection: name, code: isGatewayError(error) ? error.code : undefined, reason: isGatewayError(error) ? error.message : 'unexpected' }, 'long-connection event refused');
      throw error;
    }

    const push = pushEventOf(envelope, now(), deps.maxAgeMs);
    if (push.eventType === 'card.action.trigger' && deps.cards !== undefined && !push.stale) {
      answered(push.eventType, 'card');
      // Callbacks are synchronous and never redelivered: not stored, answered in the ack.
      return await deps.cards(readCardActionTrigger(push));
    }
    await storePush(push, { connection: name, transport: 'websocket', inbox: deps.inbox, registry: deps.registry, logger: deps.logger, started, answered });
    // Nothing to send back: a resolved value would travel in the ack's `data`.
    return undefined;
  };

  return {
    invoke(data) {
      const receiving = receive(data);
      const settled = receiving.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return receiving;
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

/**
 * Reads an envelope the SDK parsed from a data frame. It is serialised and parsed again with the
 * HTTP receiver's rules (a plain JSON object, nesting bounded) so the inbox only ever stores what
 * the HTTP path would. Feishu sends plaintext here; an `encrypt` wrapper is opened all the same
 * when the connection has the key.
 */
function readLongConnectionEnvelope(data: unknown, connection: PushConnection): EventEnvelope {
  if (!isJsonObject(data)) throw new GatewayError('events.malformed_body', 'The long-connection payload is not a JSON object.');
  let document: JsonObject = parseJsonObject(JSON.stringify(data), 'events.malformed_body');
  const encryptKey = connection.encryptKey === '' ? undefined : connection.encryptKey;
  if (Object.hasOwn(document, 'encrypt')) {
    if (encryptKey === undefined) throw new GatewayError('events.decrypt_failed', 'The long-connection payload is encrypted but the connection has no Encrypt Key.');
    document = parseJsonObject(decryptPush(encryptKey, document['encrypt']), 'events.decrypt_failed');
  }
  const envelope = readEnvelope(document);
  checkVerificationToken(connection.verificationToken === '' ? undefined : connection.verificationToken, envelope.token);
  if (envelope.kind === 'challenge') throw new GatewayError('events.malformed_body', 'A url_verification has no meaning on a long connection.');
  return envelope;
}
