import { createSlidingWindow, type SlidingWindow } from './sliding-window.ts';

/** A documented cap: `limit` calls per `windowMs`, before the multiplier. */
export type WindowLimit = { readonly windowMs: number; readonly limit: number };

/** How a refusal is answered: the gateway's 429, IM's 230020, or a custom bot's 11232. */
export type RefusalKind = 'gateway' | 'im' | 'hook';

/** One counter a call must pass: who is counted (the key) and under which caps. */
export type LimitCheck = {
  /** Unique per counter; calls with the same key share the windows. */
  readonly key: string;
  readonly api: string;
  /** What is counted: `app` (API × app × tenant), `user`, `chat`, `message` or `hook`. */
  readonly scope: 'app' | 'user' | 'chat' | 'message' | 'hook';
  readonly appId: string | undefined;
  readonly tenantKey: string | undefined;
  /** The receiving user, chat, message or hook token, for the narrower scopes. */
  readonly subject: string | undefined;
  readonly limits: readonly WindowLimit[];
  readonly refusal: RefusalKind;
};

export type Refusal = { readonly check: LimitCheck; readonly limit: number; readonly resetSeconds: number };

type Counter = { check: LimitCheck; windows: SlidingWindow[]; accepted: number; throttled: number };

/** Fewest calls between two sweeps for idle counters, so a small table is not swept on every call. */
const MIN_CALLS_BETWEEN_SWEEPS = 256;

export type CounterSnapshot = {
  api: string;
  scope: LimitCheck['scope'];
  app_id: string | null;
  tenant_key: string | null;
  subject: string | null;
  windows: { window_seconds: number; limit: number; count: number; reset_seconds: number }[];
  accepted: number;
  throttled: number;
};

export type RateLimiter = {
  /**
   * Admits a call if every check has room in every window, and records it in all of them; otherwise
   * records nothing (a refused call does not count against later windows) and says which cap hit.
   */
  attempt(checks: readonly LimitCheck[], now: number, multiplier: number): Refusal | undefined;
  /** The live counters; idle ones are dropped first, so stale keys never show. */
  snapshot(now: number, multiplier: number): CounterSnapshot[];
  clear(): number;
};

/** A documented limit scaled by the multiplier; a multiplier of 0 (or Infinity) lifts limits. */
export function scaleLimit(limit: number, multiplier: number): number {
  if (multiplier <= 0 || !Number.isFinite(multiplier)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor(limit * multiplier));
}

/**
 * The counters of one world. A counter whose windows are all empty is dropped (with its totals):
 * per-message and per-receiver keys would otherwise pile up for as long as the emulator runs. The
 * sweep runs once the calls since the last one reach the table's size, so it costs O(1) per call
 * and the table holds at most about twice the counters busy in the longest window.
 */
export function createRateLimiter(): RateLimiter {
  const counters = new Map<string, Counter>();
  let callsSinceSweep = 0;

  const sweep = (now: number) => {
    callsSinceSweep = 0;
    for (const [key, counter] of counters) {
      if (counter.windows.every((window) => window.count(now) === 0)) counters.delete(key);
    }
  };

  const counterOf = (check: LimitCheck): Counter => {
    let counter = counters.get(check.key);
    if (counter === undefined) {
      counter = { check, windows: check.limits.map((limit) => createSlidingWindow(limit.windowMs)), accepted: 0, throttled: 0 };
      counters.set(check.key, counter);
    }
    return counter;
  };

  return {
    attempt(checks, now, multiplier) {
      callsSinceSweep += 1;
      if (callsSinceSweep >= Math.max(MIN_CALLS_BETWEEN_SWEEPS, counters.size)) sweep(now);
      const found = checks.map(counterOf);
      for (const counter of found) {
        let refusal: Refusal | undefined;
        counter.check.limits.forEach((cap, index) => {
          const limit = scaleLimit(cap.limit, multiplier);
          const waitMs = counter.windows[index]?.waitMs(now, limit) ?? 0;
          if (waitMs <= 0) return;
          const resetSeconds = Math.max(1, Math.ceil(waitMs / 1000));
          // When several windows are full, report the one that stays full longest.
          if (refusal === undefined || resetSeconds > refusal.resetSeconds) refusal = { check: counter.check, limit, resetSeconds };
        });
        if (refusal !== undefined) {
          counter.throttled += 1;
          return refusal;
        }
      }
      for (const counter of found) {
        counter.accepted += 1;
        for (const window of counter.windows) window.record(now);
      }
      return undefined;
    },
    snapshot(now, multiplier) {
      sweep(now);
      return [...counters.values()].map(({ check, windows, accepted, throttled }) => ({
        api: check.api,
        scope: check.scope,
        app_id: check.appId ?? null,
        tenant_key: check.tenantKey ?? null,
        subject: check.subject ?? null,
        windows: check.limits.map((cap, index) => {
          const window = windows[index];
          const limit = scaleLimit(cap.limit, multiplier);
          return {
            window_seconds: cap.windowMs / 1000,
            limit: Number.isFinite(limit) ? limit : -1,
            count: window?.count(now) ?? 0,
            reset_seconds: Math.ceil((window?.drainMs(now) ?? 0) / 1000),
          };
        }),
        accepted,
        throttled,
      }));
    },
    clear() {
      const size = counters.size;
      counters.clear();
      return size;
    },
  };
}
