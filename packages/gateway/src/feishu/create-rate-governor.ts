import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { createPacer } from './create-pacer.ts';
import { createTurnGates, type Turn } from './create-turn-gates.ts';
import { monthOf } from './month-of.ts';
import { openRateStore, type RateStoreKind } from './open-rate-store.ts';
import type { RateBudget, RateGovernor, RateWindow } from './rate-governor.ts';
import { storeKey } from './store-key.ts';

export type RateGovernorDeps = {
  readonly database: Database;
  /** `REDIS_URL`: count in Redis instead of the database. */
  readonly redisUrl?: string | undefined;
  readonly logger: Logger;
  /**
   * Scales every window's points, as the emulator's `--rate-limit-multiplier` does (at least 1
   * point per window); 0 lifts every limit. Default 1.
   */
  readonly multiplier?: number | undefined;
  /** Namespace of the stored counters; instances share budgets only under the same prefix. Default `fgw`. */
  readonly keyPrefix?: string | undefined;
};

/** The governor with the store it counts in, for start-up logs and tests. */
export type CreatedRateGovernor = RateGovernor & { readonly store: RateStoreKind };

type Spend = { readonly budget: RateBudget; readonly counter: RateLimiterAbstract };
type Refusal = { readonly key: string; readonly waitMs: number };

// The counters are fixed windows that open at their first call; Feishu's algorithm is not
// published and may slide. Pacing (below) spreads calls, and each window is this much longer
// than published, so a call a network jitter early still falls in the next sliding second:
// 10 ms costs 1 % of a 1 s budget. (Exact in ms: the PostgreSQL store keeps integer ms.)
const WINDOW_GUARD_SECONDS = 0.01;

// Calls are spaced at a budget's per-second window divided by its points, stretched by this much,
// so a sliding second never holds more than the budget (2 % of throughput; see create-pacer.ts).
// Longer windows are not paced: a minute's budget may go out in a burst, as Feishu allows.
const PACE_STRETCH = 1.02;
const PACED_WINDOW_MAX_SECONDS = 1;

// A hold longer than this is taken as a bad `x-ogw-ratelimit-reset` rather than obeyed.
const MAX_HOLD_SECONDS = 3600;
// Longer than any month, so a month's counter outlives the month it counts.
const MONTH_COUNTER_SECONDS = 35 * 24 * 3600;
// The least wait after a refusal whose window the store reports as already over.
const MIN_WAIT_MS = 5;

/**
 * Creates the rate governor of issue 5: fixed-window counters from rate-limiter-flexible, one
 * limiter per window size, in the store `openRateStore` picks (memory with PGlite, PostgreSQL,
 * or Redis), so every instance draws from the same budgets.
 *
 * `acquire` spends one point from every window of every budget in one parallel round of store
 * operations, together with a read of each budget's hold. If any is refused, the points taken
 * are given back, and the caller waits for the refused budget in this process's queue for it
 * (see create-turn-gates.ts) until the store says it has room, or fails with
 * `feishu.rate_limited` when that would pass its deadline.
 *
 * @example
 * const governor = createRateGovernor({ database, redisUrl: config.redis.url, logger });
 * await governor.acquire([{ key: `${appId}|${tenantKey}|im.v1.message.create`, windows: TIERS.tier4 }], Date.now() + 10_000);
 */
export function createRateGovernor(deps: RateGovernorDeps): CreatedRateGovernor {
  const multiplier = deps.multiplier ?? 1;
  const unlimited = !(multiplier > 0) || !Number.isFinite(multiplier);
  const prefix = deps.keyPrefix ?? 'fgw';
  if (!/^[\w.-]{1,40}$/.test(prefix)) throw new RangeError(`rate governor key prefix must be 1-40 letters, digits, '_', '.' or '-'`);

  const store = openRateStore({ database: deps.database, redisUrl: deps.redisUrl, logger: deps.logger });
  const gates = createTurnGates();
  const pacer = createPacer();
  // Holds this process set, known without asking the store: a call that probed a held budget
  // would open a fresh fixed window early (its point is given back, its window stays).
  const localHolds = new Map<string, number>();
  // A budget's hold is a counter of 0 points: any stored value blocks it until it expires.
  const holds = store.counter({ keyPrefix: `${prefix}:hold`, points: 0, seconds: 1 });
  const months = store.counter({ keyPrefix: `${prefix}:month`, points: 2 ** 31 - 1, seconds: MONTH_COUNTER_SECONDS });
  const windows = new Map<string, RateLimiterAbstract>();

  const counterFor = (window: RateWindow): RateLimiterAbstract => {
    if (!Number.isInteger(window.points) || window.points < 1 || !Number.isInteger(window.seconds) || window.seconds < 1) {
      // Whole points per whole seconds are what Feishu publishes.
      throw new RangeError(`rate window must be whole points per whole seconds, got ${window.points}/${window.seconds} s`);
    }
    const points = Math.max(1, Math.floor(window.points * multiplier));
    const name = `${window.seconds}s${points}`;
    let counter = windows.get(name);
    if (counter === undefined) {
      counter = store.counter({ keyPrefix: `${prefix}:w${name}`, points, seconds: window.seconds + WINDOW_GUARD_SECONDS });
      windows.set(name, counter);
    }
    return counter;
  };

  /** The spacing of each budget with a per-second window: the window over its (scaled) points. */
  const paceOf = (budget: RateBudget) =>
    budget.windows
      .filter((window) => window.seconds <= PACED_WINDOW_MAX_SECONDS)
      .map((window) => ({ key: budget.key, intervalMs: ((window.seconds * 1000) / Math.max(1, Math.floor(window.points * multiplier))) * PACE_STRETCH }));

  /** Spends from every window, or spends nothing and says which budget to wait for and how long. */
  const attempt = async (budgets: readonly RateBudget[]): Promise<Refusal | undefined> => {
    const spends: Spend[] = budgets.flatMap((budget) => budget.windows.map((window) => ({ budget, counter: counterFor(window) })));
    const [held, spent] = await Promise.all([
      Promise.allSettled(budgets.map(async (budget) => await holds.get(storeKey(budget.key)))),
      Promise.allSettled(spends.map(async ({ budget, counter }) => await counter.consume(storeKey(budget.key)))),
    ]);

    let refusal: Refusal | undefined;
    let failure: Error | undefined;
    const refuse = (key: string, msBeforeNext: number) => {
      const waitMs = Math.max(msBeforeNext, MIN_WAIT_MS);
      if (refusal === undefined || waitMs > refusal.waitMs) refusal = { key, waitMs };
    };
    held.forEach((outcome, index) => {
      const key = budgets[index]?.key ?? '';
      if (outcome.status === 'rejected') failure ??= asError(outcome.reason);
      else if (outcome.value !== null && outcome.value.consumedPoints > 0 && outcome.value.msBeforeNext > 0) refuse(key, outcome.value.msBeforeNext);
    });
    spent.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      // The library rejects with a RateLimiterRes when the window is full, an Error when the
      // store (and its in-memory insurance) failed.
      if (outcome.reason instanceof RateLimiterRes) refuse(spends[index]?.budget.key ?? '', outcome.reason.msBeforeNext);
      else failure ??= asError(outcome.reason);
    });
    if (refusal === undefined && failure === undefined) return undefined;

    // Give back what was taken, so a call waiting for one budget does not use up the others.
    await Promise.allSettled(
      spends.flatMap(({ budget, counter }, index) => (spent[index]?.status === 'fulfilled' ? [counter.reward(storeKey(budget.key))] : [])),
    );
    if (failure !== undefined) throw failure;
    return refusal;
  };

  // The message leaves the budget key out: a per-receiver key names a user or chat.
  const rateLimited = (waitMs: number): GatewayError => {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new GatewayError('feishu.rate_limited', `the Feishu rate budget has no room before the call's deadline; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
  };

  return {
    store: store.kind,

    async acquire(budgets, deadline) {
      if (unlimited || budgets.length === 0) return;
      let turn: Turn | undefined;
      const takeTurn = async (key: string, notBefore: number, front: boolean): Promise<Turn> => {
        const granted = await gates.take(key, { notBefore, deadline, front });
        if (granted === undefined) throw rateLimited(gates.opensAt(key) - Date.now());
        return granted;
      };
      try {
        // Behind callers of this process already waiting for one of these budgets, in order.
        const queued = budgets.find((budget) => gates.busy(budget.key));
        if (queued !== undefined) turn = await takeTurn(queued.key, 0, false);
        for (;;) {
          // Each try takes the next evenly spaced start (after any hold this process knows of).
          const heldUntil = Math.max(0, ...budgets.map((budget) => localHolds.get(budget.key) ?? 0));
          const start = pacer.reserve(budgets.flatMap(paceOf), Math.max(Date.now(), heldUntil), deadline);
          if (start > deadline) throw rateLimited(start - Date.now());
          if (start > Date.now()) await sleep(start - Date.now());
          const refusal = await attempt(budgets);
          if (refusal === undefined) return;
          const now = Date.now();
          if (now + refusal.waitMs > deadline) throw rateLimited(refusal.waitMs);
          // Queue for the refused budget before ending the current turn, so that a caller who
          // just had the turn there keeps its place and the gate closes before anyone else runs.
          const next = takeTurn(refusal.key, now + refusal.waitMs, turn?.key === refusal.key);
          turn?.end();
          turn = undefined;
          turn = await next;
        }
      } finally {
        turn?.end();
      }
    },

    async hold(key, seconds) {
      if (unlimited || !(seconds > 0)) return;
      // Whole seconds: Redis expires keys in seconds, and a partial second rounds up to be safe.
      const held = Math.min(Math.ceil(seconds), MAX_HOLD_SECONDS);
      localHolds.set(key, Date.now() + held * 1000);
      for (const [other, until] of localHolds) if (until <= Date.now()) localHolds.delete(other);
      await holds.block(storeKey(key), held);
    },

    async countMonthly(appId) {
      const counted = await months.penalty(storeKey(`${appId}|${monthOf(Date.now())}`), 1);
      return counted.consumedPoints;
    },

    async close() {
      await store.close();
    },
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`rate store failed: ${String(reason)}`);
}
