import http from 'node:http';
import https from 'node:https';
import type { LongConnectionHub, PushOutcome } from '../long-connection/long-connection-hub.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { Random } from '../state/random.ts';
import type { App } from '../state/types.ts';
import { createDeliveryLog, type DeliveryAttempt, type DeliveryFilter } from './delivery-log.ts';
import { createEventFaultTable, type EventFaults, type EventFaultTable } from './event-faults.ts';
import { appTicketEnvelope, eventRequest, v2Envelope } from './event-request.ts';
import { postJson, type PostResult } from './post-json.ts';
import { verifyEventUrl, type UrlVerification } from './verify-event-url.ts';

/** Feishu retries a failed push after these intervals, at most four times (platform doc §3.5). */
export const RETRY_DELAYS_MS = [15_000, 5 * 60_000, 60 * 60_000, 6 * 60 * 60_000] as const;
/** A push succeeds only on HTTP 200 within 3 s, with at most 2 s to connect (§3.5). Real time. */
export const DELIVERY_TIMEOUT_MS = 3_000;
export const CONNECT_TIMEOUT_MS = 2_000;

/**
 * How the rest of the emulator reports things that happened. The bus turns them into Feishu
 * events for every app that is installed in the tenant, subscribed to the type, and (for contact
 * events) allowed to see the entity, and delivers them in the app's mode: an HTTP push, or a
 * data frame to one client on the app's long connection. Both follow the same retry schedule.
 */
export type EventBus = {
  /**
   * Emits `eventType` in `tenantKey`. `build` makes the `event` body for one app (ids differ per
   * app) or returns undefined to skip that app (for example, the entity is outside its scope).
   * `build` runs before `emit` returns, so it sees the world as it is now; delivery runs later.
   */
  emit(tenantKey: string, eventType: string, build: (app: App) => Record<string, unknown> | undefined): void;
  /** Sends a store app its app_ticket (v1 envelope). */
  deliverAppTicket(app: App, ticket: string): void;
  /** Runs the url_verification handshake against the app's event request URL. */
  verifyEventUrl(app: App): Promise<UrlVerification>;
  /** Every push attempt so far, oldest first. */
  deliveries(filter?: DeliveryFilter): DeliveryAttempt[];
  /** Duplicate, shuffled and delayed delivery on demand. */
  readonly faults: EventFaultTable;
  /** Cancels scheduled retries and held events and forgets deliveries and faults; the bus stays usable. */
  stop(): void;
  /** Stops, and releases the keep-alive connections to receivers. */
  close(): void;
};

type Outcome = { delivered: boolean; fields: Partial<DeliveryAttempt> };

type Push = { eventId: string; eventType: string; appId: string; tenantKey: string | undefined; payload: Record<string, unknown> };

export function createEventBus(state: EmulatorState, hub: LongConnectionHub): EventBus {
  const log = createDeliveryLog();
  const faults = createEventFaultTable();
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const timers = new Set<{ cancel(): void }>();
  const held = new Map<string, Push[]>();
  // Bumped by stop(): attempts already on the wire when the world was reset are not recorded.
  let generation = 0;

  const later = (delayMs: number, task: () => void) => {
    const timer = state.clock.at(state.clock.now() + delayMs, () => {
      timers.delete(timer);
      task();
    });
    timers.add(timer);
  };

  const record = (push: Push, fields: Partial<DeliveryAttempt> & Pick<DeliveryAttempt, 'attempt' | 'status' | 'time'>) =>
    log.record({
      event_id: push.eventId,
      event_type: push.eventType,
      app_id: push.appId,
      tenant_key: push.tenantKey ?? null,
      duplicate: false,
      transport: 'http',
      url: null,
      http_status: null,
      connection_id: null,
      ack_code: null,
      error: null,
      duration_ms: 0,
      next_attempt_at: null,
      ...fields,
    });

  /**
   * One attempt of `push` in the app's current mode; schedules the next retry on failure. Never
   * rejects. The attempt is logged as `sending` before it goes out and that entry takes the
   * outcome, so the log shows pushes in flight (a receiver that is slow to answer).
   */
  const attempt = async (push: Push, number: number, duplicate: boolean): Promise<void> => {
    const mine = generation;
    const app = state.apps.get(push.appId);
    const time = state.clock.now();
    if (app === undefined) return;
    if (app.eventMode === 'websocket') {
      const entry = record(push, { attempt: number, duplicate, time, status: 'sending', transport: 'websocket' });
      finish(mine, push, number, duplicate, entry, fromAck(await hub.push(app.appId, push.payload, push)));
      return;
    }
    const url = app.eventRequestUrl;
    if (url === undefined || url === '') {
      record(push, { attempt: number, duplicate, time, status: 'failed', error: 'the app has no event request URL in HTTP mode' });
      return;
    }
    const { body, headers } = eventRequest(app, push.payload, time);
    const entry = record(push, { attempt: number, duplicate, url, time, status: 'sending' });
    finish(mine, push, number, duplicate, entry, fromPost(await postJson(url, body, headers, { timeoutMs: DELIVERY_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS, agents })));
  };

  /** Writes an attempt's outcome into its log entry and schedules the retry it calls for. */
  const finish = (mine: number, push: Push, number: number, duplicate: boolean, entry: DeliveryAttempt, { delivered, fields }: Outcome) => {
    // After a reset the entry is no longer in the log and nothing is retried.
    if (mine !== generation) return;
    // Duplicates injected by the fault table are extra copies, not deliveries of their own.
    const retryIn = delivered || duplicate ? undefined : RETRY_DELAYS_MS[number - 1];
    Object.assign(entry, fields, {
      status: delivered ? 'delivered' : retryIn === undefined ? 'failed' : 'retrying',
      next_attempt_at: retryIn === undefined ? null : state.clock.now() + retryIn,
    } satisfies Partial<DeliveryAttempt>);
    if (retryIn !== undefined) later(retryIn, () => detached(attempt(push, number + 1, false)));
  };

  /** The first push of an event, with the delay and duplicate faults applied. */
  const send = (push: Push, appFaults: EventFaults): Promise<void> => {
    const duplicate = appFaults.duplicateRate > 0 && state.random.chance(appFaults.duplicateRate);
    const go = async () => {
      await attempt(push, 1, false);
      if (duplicate) await attempt(push, 1, true);
    };
    if (appFaults.delayMs <= 0) return go();
    return new Promise((resolve) => later(appFaults.delayMs, () => void go().then(resolve)));
  };

  const dispatch = (app: App, push: Push) => {
    const appFaults = faults.for(app.appId);
    if (!appFaults.shuffle) return detached(send(push, appFaults));
    const batch = held.get(app.appId);
    if (batch !== undefined) return void batch.push(push);
    held.set(app.appId, [push]);
    later(appFaults.shuffleWindowMs, () => {
      const items = held.get(app.appId) ?? [];
      held.delete(app.appId);
      // One after another, so the receiver sees exactly the shuffled order.
      detached(
        shuffled(items, state.random).reduce<Promise<void>>((previous, item) => previous.then(() => send(item, faults.for(app.appId))), Promise.resolve()),
      );
    });
  };

  const reachable = (app: App) => app.eventMode === 'websocket' || (app.eventRequestUrl !== undefined && app.eventRequestUrl !== '');

  return {
    emit(tenantKey, eventType, build) {
      for (const app of state.apps.values()) {
        if (!app.installations.has(tenantKey) || !app.subscribedEvents.has(eventType) || !reachable(app)) continue;
        const event = build(app);
        if (event === undefined) continue;
        const eventId = state.random.hex(32);
        const payload = v2Envelope(app, { eventId, eventType, createTime: state.clock.now(), tenantKey }, event);
        dispatch(app, { eventId, eventType, appId: app.appId, tenantKey, payload });
      }
    },
    deliverAppTicket(app, ticket) {
      if (!reachable(app)) return;
      const uuid = state.random.hex(32);
      dispatch(app, { eventId: uuid, eventType: 'app_ticket', appId: app.appId, tenantKey: undefined, payload: appTicketEnvelope(app, ticket, { uuid, nowMs: state.clock.now() }) });
    },
    verifyEventUrl: async (app) => (await verifyEventUrl(app, agents)).result,
    deliveries: (filter) => log.list(filter),
    faults,
    close() {
      this.stop();
      agents.http.destroy();
      agents.https.destroy();
    },
    stop() {
      generation += 1;
      for (const timer of timers) timer.cancel();
      timers.clear();
      held.clear();
      log.clear();
      faults.clear();
    },
  };
}

/** Runs a delivery detached from the request that caused it; a bug is reported, never an unhandled rejection. */
function detached(promise: Promise<void>): void {
  promise.catch((error: unknown) => {
    process.stderr.write(`feishu-emulator: event delivery failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  });
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function fromPost(result: PostResult): Outcome {
  const delivered = result.status === 200;
  return {
    delivered,
    fields: { http_status: result.status ?? null, error: result.error ?? (delivered ? null : `expected HTTP 200, got ${result.status}`), duration_ms: result.durationMs },
  };
}

function fromAck(outcome: PushOutcome): Outcome {
  return { delivered: outcome.delivered, fields: { connection_id: outcome.connectionId, ack_code: outcome.ackCode, error: outcome.error, duration_ms: outcome.durationMs } };
}
