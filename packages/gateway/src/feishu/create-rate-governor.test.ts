import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../db/index.ts';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { createRateGovernor, type CreatedRateGovernor, type RateGovernorDeps } from './create-rate-governor.ts';
import type { RateBudget } from './rate-governor.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const logger = createTestLogger().logger;

type GovernorOptions = Pick<RateGovernorDeps, 'multiplier'>;
/** Governors on one store, as separate gateway instances would have. */
type OpenedStore = { governor(options?: GovernorOptions): CreatedRateGovernor; cleanup(): Promise<void> };
type StoreCase = { readonly name: 'memory' | 'postgres' | 'redis'; open(): Promise<OpenedStore> };

const pglite = backends.find((backend) => backend.name === 'pglite');
const postgres = backends.find((backend) => backend.name === 'postgres');
if (pglite === undefined || postgres === undefined) throw new Error('test backends missing');

function storeOn(opened: TestDatabase, extra: Partial<RateGovernorDeps>, dropKeys: () => Promise<void>): OpenedStore {
  const governors: CreatedRateGovernor[] = [];
  return {
    governor(options = {}) {
      const governor = createRateGovernor({ database: opened.database, logger, ...extra, ...options });
      governors.push(governor);
      return governor;
    },
    async cleanup() {
      await Promise.all(governors.map(async (governor) => await governor.close()));
      await dropKeys();
      await opened.cleanup();
    },
  };
}

const stores: readonly StoreCase[] = [
  { name: 'memory', open: async () => storeOn(await pglite.open(), {}, async () => {}) },
  {
    name: 'postgres',
    async open() {
      const opened = await postgres.open();
      await runMigrations(opened.database);
      return storeOn(opened, {}, async () => {});
    },
  },
  {
    name: 'redis',
    async open() {
      // A prefix of its own, so that test files running at once never share a counter.
      const keyPrefix = `fgwtest-${randomBytes(6).toString('hex')}`;
      return storeOn(await pglite.open(), { redisUrl: REDIS_URL, keyPrefix }, async () => await dropRedisKeys(`${keyPrefix}:*`));
    },
  },
];

async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Starts `acquire` and records whether it has settled, without waiting for it. */
function track(promise: Promise<void>) {
  const state = { settled: false, promise };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** Resolves once `count` of the promises have resolved. */
function firstResolved(promises: readonly Promise<unknown>[], count: number): Promise<void> {
  let resolved = 0;
  return new Promise((resolve) => {
    for (const promise of promises) {
      void promise.then(() => {
        resolved += 1;
        if (resolved === count) resolve();
      });
    }
  });
}

const later = (ms: number) => Date.now() + ms;
const fivePerSecond = (key: string): RateBudget[] => [{ key, windows: [{ points: 5, seconds: 1 }] }];
const onePerMinute = (key: string): RateBudget[] => [{ key, windows: [{ points: 1, seconds: 60 }] }];

describe.each(stores)('rate governor on $name', (store) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('counts in the store it is configured for', async () => {
    opened = await store.open();
    expect(opened.governor().store).toBe(store.name);
  });

  it('spaces five calls through a 5/s budget and makes the sixth wait until the window moves', async () => {
    opened = await store.open();
    const governor = opened.governor();
    const started = Date.now();
    const calls = Array.from({ length: 6 }, () => track(governor.acquire(fivePerSecond('app|tenant|im.v1.message.create'), later(10_000))));

    await firstResolved(
      calls.map((call) => call.promise),
      5,
    );
    expect(calls.filter((call) => call.settled)).toHaveLength(5);

    await Promise.all(calls.map((call) => call.promise));
    // The window is one second from the first call: the sixth waited for most of it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('shares one budget between two governors on the same store', async () => {
    opened = await store.open();
    const [first, second] = [opened.governor(), opened.governor()];
    const budget = fivePerSecond('app|tenant|contact.v3.user.get');

    // Calls of one process are spaced (about 204 ms apart on a 5/s budget).
    for (let call = 0; call < 5; call += 1) await first.acquire(budget, later(1_000));
    const waiting = track(second.acquire(budget, later(10_000)));
    // The other instance is refused for now: a short deadline fails instead of waiting.
    await expect(second.acquire(budget, later(100))).rejects.toMatchObject({ code: 'feishu.rate_limited' });
    expect(waiting.settled).toBe(false);

    await waiting.promise;
  });

  it('needs room in every window of every budget, and a full one does not use up the others', async () => {
    opened = await store.open();
    const governor = opened.governor();
    const app = { key: 'app|tenant|im.v1.message.create', windows: [{ points: 1000, seconds: 60 }, { points: 3, seconds: 60 }] };
    const toUser = (user: string) => ({ key: `app|tenant|receiver|${user}`, windows: [{ points: 1, seconds: 60 }] });

    await governor.acquire([app, toUser('ou_1')], later(200));
    // ou_1's budget is spent for a minute; the refused calls must not have taken the app's points.
    for (let call = 0; call < 4; call += 1) {
      await expect(governor.acquire([app, toUser('ou_1')], later(100))).rejects.toMatchObject({ code: 'feishu.rate_limited' });
    }
    await governor.acquire([app, toUser('ou_2')], later(200));
    await governor.acquire([app, toUser('ou_3')], later(200));
    await expect(governor.acquire([app, toUser('ou_4')], later(100))).rejects.toMatchObject({ code: 'feishu.rate_limited' });
  });

  it('rejects with feishu.rate_limited and the seconds to wait when the wait would pass the deadline', async () => {
    opened = await store.open();
    const governor = opened.governor();
    const budget = onePerMinute('app|tenant|approval.v4.instance.create');
    await governor.acquire(budget, later(200));

    const refused = await governor.acquire(budget, later(2_000)).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'feishu.rate_limited', details: { retryAfterSeconds: expect.any(Number) as unknown } });
    const { retryAfterSeconds } = (refused as { details: { retryAfterSeconds: number } }).details;
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(30);
    // At most the window and its guard, rounded up to whole seconds.
    expect(retryAfterSeconds).toBeLessThanOrEqual(61);
  });

  it('gives up at its deadline while queued behind another waiting caller', async () => {
    opened = await store.open();
    const governor = opened.governor();
    const budget: RateBudget[] = [{ key: 'app|tenant|bitable.v1.record.create', windows: [{ points: 1, seconds: 2 }] }];
    await governor.acquire(budget, later(200));
    const first = track(governor.acquire(budget, later(10_000)));

    await expect(governor.acquire(budget, later(300))).rejects.toMatchObject({ code: 'feishu.rate_limited', details: { retryAfterSeconds: expect.any(Number) as unknown } });
    expect(first.settled).toBe(false);
    await first.promise;
  });

  it('holds a budget for every governor after a 429, and only that budget', async () => {
    opened = await store.open();
    const [first, second] = [opened.governor(), opened.governor()];
    const held = fivePerSecond('app|tenant|im.v1.message.create');
    const other = fivePerSecond('app|tenant|contact.v3.user.get');

    await first.hold('app|tenant|im.v1.message.create', 1);
    const started = Date.now();
    await expect(second.acquire(held, later(100))).rejects.toMatchObject({ code: 'feishu.rate_limited', details: { retryAfterSeconds: 1 } });
    await second.acquire(other, later(200));
    await second.acquire(held, later(10_000));
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('never waits with multiplier 0, and scales every window with another multiplier', async () => {
    opened = await store.open();
    const unlimited = opened.governor({ multiplier: 0 });
    for (let call = 0; call < 50; call += 1) await unlimited.acquire(onePerMinute('app|tenant|contact.v3.scope.list'), later(50));

    const doubled = opened.governor({ multiplier: 2 });
    const budget = fivePerSecond('app|tenant|contact.v3.department.get');
    // Ten calls a second, spaced about 102 ms apart; the next start is further off than 20 ms.
    for (let call = 0; call < 10; call += 1) await doubled.acquire(budget, later(200));
    await expect(doubled.acquire(budget, later(20))).rejects.toMatchObject({ code: 'feishu.rate_limited' });
  });

  it('keeps keys the store could not hold as they are, still shared', async () => {
    opened = await store.open();
    const [first, second] = [opened.governor(), opened.governor()];
    const budget = onePerMinute(`app|tenant|receiver|${'用户'.repeat(200)}\u0000`);

    await first.acquire(budget, later(200));
    await expect(second.acquire(budget, later(100))).rejects.toMatchObject({ code: 'feishu.rate_limited' });
    await second.acquire(onePerMinute(`app|tenant|receiver|${'用户'.repeat(200)}`), later(200));
  });

  it('counts calls per app for the month, across governors', async () => {
    opened = await store.open();
    const [first, second] = [opened.governor(), opened.governor()];

    expect(await first.countMonthly('cli_a1b2c3d4e5f60718')).toBe(1);
    expect(await first.countMonthly('cli_a1b2c3d4e5f60718')).toBe(2);
    expect(await second.countMonthly('cli_a1b2c3d4e5f60718')).toBe(3);
    expect(await second.countMonthly('cli_ffffffffffffffff')).toBe(1);
  });
});
