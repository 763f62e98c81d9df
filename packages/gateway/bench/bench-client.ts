/**
 * The outbound client's benchmark (issue 5, "Benchmark"): 2,000 message sends to 400 users through
 * the gateway's Feishu client against the emulator at its documented limits times a multiplier,
 * then the same workload through the SDK's default client against a fresh emulator. Loopback
 * only; stops by itself. The last line is `RESULT {json}`.
 *
 *   npm run bench:client                     (multiplier 4, 64 concurrent callers)
 *   npm run bench:client -- --multiplier 1 --concurrency 64 --deadline-seconds 120
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as lark from '@larksuiteoapi/node-sdk';
import { Registry } from 'prom-client';
import { createEmulatorState } from '../../emulator/src/state/emulator-state.ts';
import type { FeishuConnectionConfig } from '../src/config/index.ts';
import { openPglite, runMigrations } from '../src/db/index.ts';
import { isGatewayError } from '../src/errors/index.ts';
import { createFeishuClient } from '../src/feishu/create-feishu-client.ts';
import { DEFAULT_RETRY_POLICY } from '../src/feishu/create-feishu-transport.ts';
import { createRateGovernor } from '../src/feishu/create-rate-governor.ts';
import { createTokenStore } from '../src/feishu/create-token-store.ts';
import { FeishuApiError } from '../src/feishu/feishu-api-error.ts';
import { createFeishuMetrics, type FeishuMetrics } from '../src/feishu/create-feishu-metrics.ts';
import { createLogger } from '../src/log/index.ts';
import { createKeyring } from '../src/secrets/index.ts';
import { startEmulatorChild, type EmulatorChild } from './emulator-child.ts';
import { idealSeconds } from './ideal-seconds.ts';
import { runPool } from './run-pool.ts';

const { values: args } = parseArgs({
  options: { multiplier: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '64' }, 'deadline-seconds': { type: 'string' } },
  strict: true,
});
const multiplier = Number(args.multiplier);
const concurrency = Number(args.concurrency);
if (!(multiplier >= 1) || !Number.isFinite(multiplier)) throw new RangeError(`--multiplier must be a number ≥ 1, got ${args.multiplier}`);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`--concurrency must be a whole number ≥ 1, got ${args.concurrency}`);
// Each call's overall deadline (RetryPolicy.deadlineMs); unset, the transport's default applies.
const deadlineSeconds = args['deadline-seconds'] === undefined ? undefined : Number(args['deadline-seconds']);
if (deadlineSeconds !== undefined && !(deadlineSeconds > 0)) throw new RangeError(`--deadline-seconds must be a positive number, got ${args['deadline-seconds']}`);

const SEED = 42;
const USERS = 400;
const CALLS = 2_000;
const API = 'im.v1.message.create';
// Tier 4 per app × tenant (platform doc §10), scaled as the emulator scales it.
const perSecond = Math.floor(50 * multiplier);
const perMinute = Math.floor(1000 * multiplier);
const ideal = idealSeconds(CALLS, perSecond, perMinute);
// The whole run, PGlite's start-up and both workloads included, at multiplier 1 well under this.
const WATCHDOG_MS = Math.max(180_000, ideal * 2_000 + 60_000);

const line = (text: string) => process.stdout.write(`${text}\n`);
const children = new Set<EmulatorChild>();
const stopChildren = async () => {
  await Promise.allSettled([...children].map((child) => child.stop()));
  children.clear();
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench:client did not finish within ${WATCHDOG_MS / 1000} s; stopping\n`);
  void stopChildren().finally(() => process.exit(1));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopChildren().finally(() => process.exit(130)));

/** One outbound HTTP exchange seen on the wire, for the timing analysis of 429s. */
type WireRecord = { readonly sentMs: number; readonly status: number };

/** The user ids of the org the emulator generates for this seed (same seed ⇒ same org). */
function userIdsOf(seed: number, users: number): string[] {
  const state = createEmulatorState({ seed, users });
  state.clock.stop();
  const ids = [...(state.tenants.get(state.defaultTenantKey)?.users.keys() ?? [])];
  if (ids.length < USERS) throw new Error(`the emulator's org has ${ids.length} users, ${USERS} are needed`);
  return ids.slice(0, USERS);
}

/** Round robin over the users: 5 each, the same user never twice in a row. */
const receiverOf = (userIds: readonly string[], index: number): string => userIds[index % userIds.length] ?? '';
const sendBody = (receiveId: string, index: number) => ({
  params: { receive_id_type: 'user_id' as const },
  data: { receive_id: receiveId, msg_type: 'text', content: JSON.stringify({ text: `bench message ${index}` }), uuid: `bench-${randomBytes(12).toString('hex')}` },
});

async function sumOf(metrics: FeishuMetrics, name: keyof FeishuMetrics, labels: Record<string, string>): Promise<number> {
  const { values } = await metrics[name].get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => (value.labels as Record<string, string | number | undefined>)[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

type LimitItem = { api: string; scope: string; app_id: string | null; accepted: number; throttled: number };
/** The emulator's counters for the app, read right after a run (idle counters are dropped: 1 s per user, 60 s per app). */
async function emulatorCounters(emulator: EmulatorChild): Promise<{ appAccepted: number; appThrottled: number; userThrottled: number }> {
  const response = await fetch(`${emulator.url}/_emulator/rate-limits?app_id=${encodeURIComponent(emulator.appId)}`);
  const { items } = (await response.json()) as { items: LimitItem[] };
  const app = items.filter((item) => item.scope === 'app' && item.api === API);
  const users = items.filter((item) => item.scope === 'user');
  const total = (list: LimitItem[], key: 'accepted' | 'throttled') => list.reduce((sum, item) => sum + item[key], 0);
  return { appAccepted: total(app, 'accepted'), appThrottled: total(app, 'throttled'), userThrottled: total(users, 'throttled') };
}

const increment = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** The gateway's client: token store and governor on an in-memory PGlite, as one instance runs. */
async function runGoverned(userIds: readonly string[]) {
  const emulator = await startEmulatorChild({ seed: SEED, users: USERS, multiplier });
  children.add(emulator);
  const database = await openPglite({ dataDir: null });
  try {
    await runMigrations(database);
    const logger = createLogger({ level: 'warn', format: 'json', destination: { write: (text: string) => void process.stderr.write(text) } });
    const connection: FeishuConnectionConfig = { name: 'default', appId: emulator.appId, appSecret: emulator.appSecret, appType: 'self_built', encryptKey: undefined, verificationToken: undefined, domain: emulator.url, eventMode: 'http' };
    const keyring = createKeyring([randomBytes(32).toString('base64')]);
    // The transport captures the global fetch when it is created: record message sends on the wire.
    const wire: WireRecord[] = [];
    const realFetch = globalThis.fetch;
    let origin = performance.now();
    globalThis.fetch = async (input, init) => {
      const sentMs = performance.now() - origin;
      const response = await realFetch(input, init);
      if (String(input instanceof Request ? input.url : input).includes('/open-apis/im/v1/messages') && init?.method === 'POST') wire.push({ sentMs, status: response.status });
      return response;
    };
    const tokens = createTokenStore({ database, keyring, logger, connection: (name) => (name === connection.name ? connection : undefined) });
    const governor = createRateGovernor({ database, logger, multiplier, keyPrefix: 'bench' });
    const metrics = createFeishuMetrics(new Registry());
    let client: lark.Client;
    try {
      client = createFeishuClient(connection, { tokens, governor, metrics, logger, ...(deadlineSeconds === undefined ? {} : { policy: { deadlineMs: deadlineSeconds * 1000 } }) });
    } finally {
      globalThis.fetch = realFetch;
    }
    try {
      // The token is fetched before the clock starts: the ceiling counts message sends only.
      await tokens.tenantToken({ connection: 'default', tenantKey: undefined });
      const failures: Record<string, number> = {};
      let rateLimitErrors = 0;
      let ok = 0;
      const cpuBefore = emulator.cpuSeconds();
      const clientCpuBefore = process.cpuUsage();
      origin = performance.now();
      await runPool(CALLS, concurrency, async (index) => {
        try {
          const answer = await client.im.v1.message.create(sendBody(receiverOf(userIds, index), index));
          if (answer.code === 0) ok += 1;
          else increment(failures, `code ${answer.code}`);
        } catch (error) {
          if (isGatewayError(error, 'feishu.rate_limited')) rateLimitErrors += 1;
          increment(failures, error instanceof FeishuApiError ? `${error.feishu.code} (HTTP ${error.feishu.httpStatus})` : isGatewayError(error) ? error.code : String(error));
        }
      });
      const seconds = (performance.now() - origin) / 1000;
      const cpuAfter = emulator.cpuSeconds();
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const counters = await emulatorCounters(emulator);
      return {
        clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
        emulatorCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        ok,
        seconds,
        failures,
        rateLimitErrors,
        wire,
        counters,
        throttled: await sumOf(metrics, 'throttled', { api: API }),
        perUserRefusals: await sumOf(metrics, 'requests', { api: API, code: '230020' }),
        retries: await sumOf(metrics, 'retries', { api: API }),
        tokenHits: tokens.stats().hits,
        tokenMisses: tokens.stats().misses,
        governorStore: governor.store,
      };
    } finally {
      await Promise.allSettled([tokens.close(), governor.close()]);
    }
  } finally {
    await database.close();
    await emulator.stop();
    children.delete(emulator);
  }
}

/** The same workload through `new lark.Client(...)` as the SDK's README shows it, on a fresh emulator. */
async function runNaive(userIds: readonly string[]) {
  const emulator = await startEmulatorChild({ seed: SEED, users: USERS, multiplier });
  children.add(emulator);
  try {
    // Default behaviour; only its logger is silenced (it would print every rejected call).
    const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
    const client = new lark.Client({ appId: emulator.appId, appSecret: emulator.appSecret, domain: emulator.url, logger: silent });
    const codes: Record<string, number> = {};
    let ok = 0;
    const started = performance.now();
    await runPool(CALLS, concurrency, async (index) => {
      try {
        const answer = await client.im.v1.message.create(sendBody(receiverOf(userIds, index), index));
        if (answer.code === 0) ok += 1;
        else increment(codes, `${answer.code ?? '?'} (HTTP 200)`);
      } catch (error) {
        const response = (error as { response?: { status?: number; data?: { code?: number } } }).response;
        increment(codes, response === undefined ? String(error) : `${response.data?.code ?? '?'} (HTTP ${response.status ?? '?'})`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const counters = await emulatorCounters(emulator);
    return { ok, seconds, codes, failures: CALLS - ok, counters };
  } finally {
    await emulator.stop();
    children.delete(emulator);
  }
}

/**
 * The run's sends grouped into bursts (a gap of over 100 ms starts a new one): a governor that
 * spends a window's budget at once sends one burst per window. Each burst with its start, how
 * long its sends took to leave, and how many were accepted or answered 429. The emulator counts
 * a sliding second on arrival: a burst whose sends spread past the window guard overlaps the next
 * window's burst in the emulator's view.
 */
function sendBursts(wire: readonly WireRecord[]): string[] {
  const bursts: WireRecord[][] = [];
  for (const record of [...wire].sort((a, b) => a.sentMs - b.sentMs)) {
    const current = bursts.at(-1);
    const last = current?.at(-1);
    if (current !== undefined && last !== undefined && record.sentMs - last.sentMs <= 100) current.push(record);
    else bursts.push([record]);
  }
  return bursts.map((burst) => {
    const start = burst[0]?.sentMs ?? 0;
    const end = burst.at(-1)?.sentMs ?? start;
    const throttled = burst.filter((record) => record.status === 429).length;
    return `${(start / 1000).toFixed(3)} s +${Math.round(end - start)} ms: ${burst.length - throttled} ok${throttled > 0 ? `, ${throttled} × 429` : ''}`;
  });
}

try {
  line(
    `Feishu client benchmark (Node ${process.version}): ${CALLS.toLocaleString('en-US')} message sends to ${USERS} users, ${concurrency} concurrent callers, ` +
      `rate-limit multiplier ${multiplier}, call deadline ${deadlineSeconds === undefined ? `${DEFAULT_RETRY_POLICY.deadlineMs / 1000} s (default)` : `${deadlineSeconds} s`}`,
  );
  line(`Limits at this multiplier: ${perSecond}/s and ${perMinute.toLocaleString('en-US')}/min per app × tenant, ${5 * multiplier}/s per user; ideal duration ${ideal.toFixed(2)} s (${(CALLS / ideal).toFixed(1)} calls/s)`);
  const userIds = userIdsOf(SEED, USERS);

  const governed = await runGoverned(userIds);
  // Only delivered messages count. When some calls failed, the figure compares the time taken
  // with the ideal time for the messages that were delivered, and the goal is not met anyway.
  const rate = governed.ok / governed.seconds;
  const ceiling = CALLS / ideal;
  const percentOfCeiling = (idealSeconds(governed.ok, perSecond, perMinute) / governed.seconds) * 100;
  const throttledPct = (governed.throttled / CALLS) * 100;
  const surfacedFailures = Object.values(governed.failures).reduce((sum, count) => sum + count, 0);
  line('');
  line(`Gateway client (governor store: ${governed.governorStore}):`);
  line(`  ${governed.ok} of ${CALLS} sent in ${governed.seconds.toFixed(2)} s = ${rate.toFixed(1)} calls/s, ${percentOfCeiling.toFixed(1)} % of the ceiling (${ceiling.toFixed(1)}/s) — goal ≥ 95 %`);
  line(`  rate-limit errors surfaced to callers: ${governed.rateLimitErrors} (goal 0); all failures: ${surfacedFailures}${surfacedFailures > 0 ? ` ${JSON.stringify(governed.failures)}` : ''}`);
  line(`  429s received: ${governed.throttled} = ${throttledPct.toFixed(3)} % of calls (goal < 0.1 %); emulator counted ${governed.counters.appThrottled} throttled, ${governed.counters.appAccepted} accepted on the app counter`);
  const share = (cpu: number) => `${cpu.toFixed(2)} s (${((cpu / governed.seconds) * 100).toFixed(0)} % of one core)`;
  line(`  CPU during the run: client ${share(governed.clientCpuSeconds)}, emulator ${governed.emulatorCpuSeconds === undefined ? 'unknown' : share(governed.emulatorCpuSeconds)}`);
  line(`  per-user refusals (230020): ${governed.perUserRefusals}; retries: ${governed.retries}; token cache ${governed.tokenHits} hits / ${governed.tokenMisses} misses (goal: hit rate > 95 %)`);
  if (governed.throttled > 0 || governed.perUserRefusals > 0) {
    line(governed.wire.length === 0 ? '  (send timings unavailable: the transport no longer uses the global fetch it was created with)' : `  send bursts (start, spread, outcome): ${sendBursts(governed.wire).join('; ')}`);
  }

  const naive = await runNaive(userIds);
  line('');
  line('SDK default client (no governor), fresh emulator:');
  line(`  ${naive.ok} sent, ${naive.failures} rejected in ${naive.seconds.toFixed(2)} s; codes: ${JSON.stringify(naive.codes)}`);
  line(`  emulator counted ${naive.counters.appThrottled} throttled on the app counter${naive.counters.userThrottled > 0 ? `, ${naive.counters.userThrottled} on per-user counters still live` : ''}`);

  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  line('');
  line(
    `Goals: rate ≥ 95 % of ceiling ${met(percentOfCeiling >= 95 && governed.ok === CALLS)}; no rate-limit errors surfaced ${met(governed.rateLimitErrors === 0)}; ` +
      `429s < 0.1 % ${met(throttledPct < 0.1)}`,
  );
  line(
    `RESULT ${JSON.stringify({
      multiplier,
      calls: CALLS,
      users: USERS,
      concurrency,
      deadline_seconds: deadlineSeconds ?? DEFAULT_RETRY_POLICY.deadlineMs / 1000,
      seconds: Number(governed.seconds.toFixed(3)),
      rate: Number(rate.toFixed(1)),
      ceiling: Number(ceiling.toFixed(1)),
      ideal_seconds: Number(ideal.toFixed(3)),
      percent_of_ceiling: Number(percentOfCeiling.toFixed(1)),
      sent_ok: governed.ok,
      surfaced_failures: surfacedFailures,
      surfaced_rate_limit_errors: governed.rateLimitErrors,
      throttled_429: governed.throttled,
      throttled_pct: Number(throttledPct.toFixed(3)),
      emulator_throttled: governed.counters.appThrottled,
      client_cpu_seconds: Number(governed.clientCpuSeconds.toFixed(2)),
      emulator_cpu_seconds: governed.emulatorCpuSeconds === undefined ? null : Number(governed.emulatorCpuSeconds.toFixed(2)),
      per_user_refusals: governed.perUserRefusals,
      token_cache_hit_rate: Math.round((governed.tokenHits / Math.max(1, governed.tokenHits + governed.tokenMisses)) * 10_000) / 10_000,
      retries: governed.retries,
      naive_ok: naive.ok,
      naive_failures: naive.failures,
      naive_codes: naive.codes,
      naive_seconds: Number(naive.seconds.toFixed(3)),
      node: process.version,
    })}`,
  );
} finally {
  clearTimeout(watchdog);
  await stopChildren();
}
// PGlite and keep-alive sockets may linger; the run is over.
process.exit(0);
