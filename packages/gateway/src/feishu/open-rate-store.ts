import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../db/index.ts';
import type { Logger } from '../log/index.ts';

export type RateStoreKind = 'memory' | 'postgres' | 'redis';

/** Fixed-window counter options: `points` per `seconds`, counted under `keyPrefix:key`. */
export type CounterOptions = { readonly keyPrefix: string; readonly points: number; readonly seconds: number };

/** Where the governor's counters live: rate-limiter-flexible limiters, all on one store. */
export type RateStore = {
  readonly kind: RateStoreKind;
  counter(options: CounterOptions): RateLimiterAbstract;
  close(): Promise<void>;
};

export type OpenRateStoreOptions = {
  readonly database: Database;
  /** When set, counters live in Redis whatever the database. */
  readonly redisUrl: string | undefined;
  readonly logger: Logger;
};

// Node timers wait at most 2^31-1 ms (24.8 days); the memory store expires keys with timers.
const MAX_MEMORY_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * Picks the store the rate governor counts in: Redis when `REDIS_URL` is set; else the PostgreSQL
 * database, shared by every instance (table `rate_limits`, migration 0003); else process memory,
 * which with PGlite is exactly "every instance", PGlite allowing one process per data directory.
 *
 * A shared store that fails (PostgreSQL or Redis down) falls back to in-memory counters of the
 * same size, rate-limiter-flexible's "insurance limiter": calls go on within this instance's share
 * rather than stopping, and Feishu's own 429 answers remain the backstop.
 */
export function openRateStore(options: OpenRateStoreOptions): RateStore {
  if (options.redisUrl !== undefined) return openRedisStore(options.redisUrl, options.logger);
  if (options.database.backend === 'postgres') return openPostgresStore(options.database);
  return openMemoryStore(options.database);
}

// The memory counters belong to the PGlite database they stand in for, so that every governor on
// one database shares them, as every instance on one PostgreSQL shares its table.
const memoryCounters = new WeakMap<Database, Map<string, RateLimiterMemory>>();

function openMemoryStore(database: Database): RateStore {
  let counters = memoryCounters.get(database);
  if (counters === undefined) {
    counters = new Map();
    memoryCounters.set(database, counters);
  }
  const shared = counters;
  return {
    kind: 'memory',
    counter(options) {
      const name = `${options.keyPrefix}|${options.points}|${options.seconds}`;
      let counter = shared.get(name);
      if (counter === undefined) {
        counter = memoryCounter(options);
        shared.set(name, counter);
      }
      return counter;
    },
    close: async () => {},
  };
}

function memoryCounter({ keyPrefix, points, seconds }: CounterOptions): RateLimiterMemory {
  // A window too long for a timer is kept without expiry; such counters carry their period in
  // the key (the monthly one does), so a stale one is a few bytes until the process ends.
  return new RateLimiterMemory({ keyPrefix, points, duration: seconds > MAX_MEMORY_SECONDS ? 0 : seconds });
}

function openPostgresStore(database: Database): RateStore {
  const pool = database.pgPool;
  if (pool === undefined) throw new Error(`${database.description} has no connection pool for the rate governor`);
  let first = true;
  return {
    kind: 'postgres',
    counter(options) {
      // The library deletes rows that expired an hour ago every five minutes, per limiter; one
      // limiter doing it is enough.
      const clearExpiredByTimeout = first;
      first = false;
      return new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        clearExpiredByTimeout,
        keyPrefix: options.keyPrefix,
        points: options.points,
        duration: options.seconds,
        insuranceLimiter: memoryCounter(options),
      });
    },
    // The pool belongs to the database.
    close: async () => {},
  };
}

// KEYS[1] the counter; ARGV: points to add, whole seconds, the limiter's points, its duration in
// seconds (may be fractional). Answers {consumed, ttl in ms}, like the library's own script.
const INCR_WITH_MS_TTL = `
local ms = math.floor(tonumber(ARGV[4]) * 1000)
redis.call('set', KEYS[1], 0, 'PX', ms, 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], ms)
  ttl = ms
end
return {consumed, ttl}
`;

function openRedisStore(url: string, logger: Logger): RateStore {
  const where = redisLocation(url);
  // Commands wait for the first connection (so the first calls count in Redis too), but never
  // more than a second: a Redis that does not answer sends calls to the insurance limiter
  // instead of holding them until it returns.
  const redis = new Redis(url, { commandTimeout: 1_000, maxRetriesPerRequest: 1, connectionName: 'feishu-gateway' });
  let failing = false;
  // Without a listener ioredis prints every connection error; one line per outage is enough.
  redis.on('error', (error: Error) => {
    if (failing) return;
    failing = true;
    logger.warn({ err: error }, `Redis at ${where} unreachable; rate limits are counted per instance until it returns`);
  });
  redis.on('ready', () => {
    if (!failing) return;
    failing = false;
    logger.info(`Redis at ${where} reachable again`);
  });
  return {
    kind: 'redis',
    counter(options) {
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: options.keyPrefix,
        points: options.points,
        duration: options.seconds,
        // The stock script expires keys in whole seconds (EX); this one in milliseconds, so
        // windows with a guard of a fraction of a second keep it.
        customIncrTtlLuaScript: INCR_WITH_MS_TTL,
        insuranceLimiter: memoryCounter(options),
      });
    },
    async close() {
      if (redis.status === 'ready') await redis.quit();
      // Not connected: there is no session to end gracefully, only reconnection to stop.
      else redis.disconnect();
    },
  };
}

/** Host, port and database of a Redis URL, never its password. */
function redisLocation(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
