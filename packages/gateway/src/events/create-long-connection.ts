import * as lark from '@larksuiteoapi/node-sdk';
import type { Registry } from 'prom-client';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { backoffDelay } from '../feishu/backoff-delay.ts';
import { resolveBaseUrl } from '../feishu/resolve-base-url.ts';
import type { Logger } from '../log/index.ts';
import type { EventInbox } from './create-event-inbox.ts';
import type { EventMetrics } from './create-event-metrics.ts';
import { createDiscoveryTransport, type DiscoveryAnswer } from './create-discovery-transport.ts';
import type { CardCallback } from './open-card-callback.ts';
import { createLongConnectionReceiver } from './create-long-connection-receiver.ts';
import type { EventRegistry } from './event-registry.ts';
import { longConnectionUpGauge } from './long-connection-up-gauge.ts';

export type LongConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

export type LongConnectionStatus = {
  readonly state: LongConnectionState;
  /** When the connection entered `state`. */
  readonly since: Date;
  /** Why the last attempt failed, while not connected: Feishu's endpoint code when it gave one. */
  readonly lastError?: { readonly code: number | undefined; readonly message: string };
};

export type LongConnection = {
  /** The Feishu connection's name (`default`). */
  readonly name: string;
  /** Opens the long connection in the background; `status()` tells how it goes. */
  start(): void;
  /** Closes it, stops reconnecting, and waits for events being received to be answered. */
  stop(): Promise<void>;
  status(): LongConnectionStatus;
};

export type LongConnectionDeps = {
  readonly connection: FeishuConnectionConfig;
  readonly inbox: EventInbox;
  readonly registry: EventRegistry;
  readonly metrics: EventMetrics;
  /** Where `feishu_long_connection_up` is registered. */
  readonly metricsRegistry: Registry;
  /** Older events are acked and dropped, as over HTTP. */
  readonly maxAgeMs: number;
  readonly logger: Logger;
  /** Answers card callbacks that arrive on the channel (see `LongConnectionReceiverDeps.cards`). */
  readonly cards?: (callback: CardCallback) => Promise<object>;
  /**
   * Seconds without any frame after a ping before the socket is deemed half-open and replaced
   * (the SDK's `wsConfig.pingTimeout`). Must stay below the ping interval Feishu hands out
   * (120 s): the SDK re-arms the watchdog at every ping, so a longer timeout would never fire.
   * Default 10.
   */
  readonly pingTimeoutSeconds?: number;
  /** Delays before restarting a client the SDK gave up on; defaults suit Feishu. */
  readonly restart?: { readonly baseMs?: number; readonly capMs?: number; readonly refusedMs?: number };
  readonly random?: () => number;
  readonly now?: () => number;
};

const DEFAULT_PING_TIMEOUT_SECONDS = 10;
const DEFAULT_RESTART = { baseMs: 1_000, capMs: 60_000, refusedMs: 5 * 60_000 };
/** A handshake that neither opens nor fails in this time is abandoned and retried. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** The SDK's own `start()` returns silently for any other App ID, leaving nothing to retry. */
const SDK_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

/** Endpoint codes that say the credentials are wrong or the app may not connect (§5.1). */
const REFUSED_CODES: Readonly<Record<number, string>> = {
  514: 'Feishu refused the App ID or App Secret (code 514)',
  403: 'Feishu refused the long connection for this app (code 403: only self-built apps may use it)',
};
const TRANSIENT_CODES: Readonly<Record<number, string>> = {
  1: 'Feishu answered "system busy" (code 1)',
  1000040343: 'Feishu answered "internal error" (code 1000040343)',
  1000040350: 'the app already has 50 long connections (code 1000040350)',
};

/**
 * The long connection of one Feishu connection in `websocket` event mode (issue 6, item 5): the
 * SDK's `WSClient`, with its liveness watchdog on, delivering every event frame through the
 * same verification and inbox as the HTTP receiver (`createLongConnectionReceiver`).
 *
 * The SDK reconnects by itself after a dropped or half-open socket, but gives up for good on any
 * endpoint code but 1000040343 — "system busy" (1) and "too many connections" included (platform
 * doc §5.1). Then this module closes that client and starts a new one: after a capped, jittered
 * backoff for those transient codes, and every few minutes (state `failed`, the code in
 * `lastError`) for refused credentials, which an operator may fix in the console meanwhile.
 * Several gateway instances may each hold one; Feishu hands each event to one of them, and the
 * inbox makes a redelivery to another instance a duplicate.
 *
 * @example
 * const longConnection = createLongConnection({ connection, inbox, registry, metrics, metricsRegistry, maxAgeMs, logger });
 * longConnection.start();
 * readinessChecks.push(longConnectionReadinessCheck(longConnection));
 */
export function createLongConnection(deps: LongConnectionDeps): LongConnection {
  const { connection } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const restart = { ...DEFAULT_RESTART, ...deps.restart };
  const logger = deps.logger.child({ component: 'long-connection', connection: connection.name });
  const gauge = longConnectionUpGauge(deps.metricsRegistry);
  const receiver = createLongConnectionReceiver({
    connection,
    inbox: deps.inbox,
    registry: deps.registry,
    metrics: deps.metrics,
    maxAgeMs: deps.maxAgeMs,
    logger,
    now,
    ...(deps.cards === undefined ? {} : { cards: deps.cards }),
  });
  const sdkLogger = sdkLoggerFor(logger);

  let state: LongConnectionState = 'stopped';
  let since = new Date(now());
  let lastError: LongConnectionStatus['lastError'];
  let client: lark.WSClient | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  // The code of the last endpoint discovery, while it is a refusal.
  let refusalCode: number | undefined;

  const enter = (next: LongConnectionState, error?: LongConnectionStatus['lastError']) => {
    if (next !== state) since = new Date(now());
    state = next;
    lastError = next === 'connected' ? undefined : (error ?? lastError);
    gauge.set({ connection: connection.name }, next === 'connected' ? 1 : 0);
  };

  /** Every discovery answer: a refusal becomes the status's `lastError` at once, whether or not the SDK retries it. */
  const discovered = (answer: DiscoveryAnswer) => {
    refusalCode = answer.code === 0 ? undefined : answer.code;
    if (answer.code === 0 || state === 'stopped' || state === 'connected') return;
    const error = describeRefusal(answer);
    enter(answer.code !== undefined && REFUSED_CODES[answer.code] !== undefined ? 'failed' : state, error);
  };
  const httpInstance = createDiscoveryTransport(discovered);

  const connected = (current: lark.WSClient, how: string) => {
    if (client !== current) return;
    failures = 0;
    enter('connected');
    logger.info(`long connection ${how}`);
  };

  const open = () => {
    const current: lark.WSClient = new lark.WSClient({
      appId: connection.appId,
      appSecret: connection.appSecret,
      domain: resolveBaseUrl(connection.domain),
      httpInstance,
      loggerLevel: lark.LoggerLevel.info,
      logger: sdkLogger,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      wsConfig: { pingTimeout: deps.pingTimeoutSeconds ?? DEFAULT_PING_TIMEOUT_SECONDS },
      onReady: () => connected(current, 'open'),
      onReconnected: () => connected(current, 'open again'),
      onReconnecting: () => {
        if (client !== current) return;
        enter('reconnecting');
        logger.warn('long connection lost; reconnecting');
      },
      onError: (error) => {
        if (client === current) gaveUp(current, error);
      },
    });
    client = current;
    // An object with `invoke` is all the SDK uses of an EventDispatcher on a long connection
    // (it calls `invoke(envelope, { needCheck: false })` and acks by the outcome).
    void current.start({ eventDispatcher: receiver as unknown as lark.EventDispatcher });
  };

  /** The SDK stopped for good: replace its client after a delay, whatever the reason. */
  const gaveUp = (current: lark.WSClient, error: Error) => {
    current.close({ force: true });
    client = undefined;
    failures += 1;
    const code = refusalCode;
    const refused = code !== undefined && REFUSED_CODES[code] !== undefined;
    // Without a refusal code the SDK ran out of its own reconnect attempts (`ReconnectCount`).
    const message = code === undefined ? error.message : describeRefusal({ code, msg: undefined }).message;
    const delayMs = refused ? Math.floor(restart.refusedMs * (0.5 + random() / 2)) : backoffDelay(failures, restart, random);
    if (refused) {
      enter('failed', { code, message });
      logger.error({ code, retryInMs: delayMs }, `long connection refused: ${message}; check FEISHU_APP_ID and FEISHU_APP_SECRET`);
    } else {
      enter(state === 'failed' ? 'failed' : 'reconnecting', { code, message });
      logger.warn({ code, retryInMs: delayMs, failures }, `long connection stopped by the SDK (${message}); restarting it`);
    }
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (state !== 'stopped') open();
    }, delayMs);
  };

  return {
    name: connection.name,
    start() {
      if (state !== 'stopped') return;
      if (!SDK_APP_ID.test(connection.appId)) {
        enter('failed', { code: undefined, message: 'the App ID is not cli_ followed by 16 hexadecimal digits, which the long connection requires' });
        logger.error('long connection not started: FEISHU_APP_ID is not cli_ followed by 16 hexadecimal digits');
        return;
      }
      failures = 0;
      lastError = undefined;
      enter('connecting');
      open();
    },
    async stop() {
      clearTimeout(restartTimer);
      restartTimer = undefined;
      const current = client;
      client = undefined;
      lastError = undefined;
      enter('stopped');
      // A close frame (not a reset) tells Feishu at once to send this client nothing more.
      current?.close();
      await receiver.drain();
    },
    status: () => ({ state, since, ...(lastError === undefined ? {} : { lastError }) }),
  };
}

function describeRefusal(answer: DiscoveryAnswer): { code: number | undefined; message: string } {
  const { code, msg } = answer;
  if (code === undefined) return { code, message: msg ?? 'endpoint discovery failed' };
  return { code, message: REFUSED_CODES[code] ?? TRANSIENT_CODES[code] ?? `endpoint discovery answered code ${code}${msg === undefined ? '' : ` (${msg})`}` };
}

/**
 * The SDK logs every failed attempt as an error and every step as info; this module logs the
 * transitions that matter, so the SDK's lines go to debug and trace. Its debug lines (which
 * carry the one-time connect URL and event metadata) are not asked for.
 */
function sdkLoggerFor(logger: Logger): lark.Logger {
  const sdkLog = logger.child({ component: 'feishu-sdk' });
  const line = (args: unknown[]) => args.flat().map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : '[object]')).join(' ');
  return {
    error: (...args: unknown[]) => sdkLog.debug({ sdk: line(args) }, 'sdk'),
    warn: (...args: unknown[]) => sdkLog.debug({ sdk: line(args) }, 'sdk'),
    info: (...args: unknown[]) => sdkLog.trace({ sdk: line(args) }, 'sdk'),
    debug: () => {},
    trace: () => {},
  };
}
