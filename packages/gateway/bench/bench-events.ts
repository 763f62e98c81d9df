/**
 * The inbound events benchmark (issue 6, "Benchmark"): signed and encrypted pushes with unique
 * event ids posted at the gateway's `/feishu/default/events` on PostgreSQL, which commits each
 * one to its inbox (with its dispatch job) before answering, and the same load at the official
 * SDK's `EventDispatcher` behind `adaptDefault`, which stores nothing. For each target: a closed
 * loop at fixed concurrency (throughput, ack p50/p99), then an open loop paced at a fixed rate
 * (ack p50/p99/max measured from each request's scheduled time). Loopback only; stops by itself.
 * The last line is `RESULT {json}`.
 *
 *   npm run bench:events
 *   npm run bench:events -- --events 5000 --concurrency 32 --rate 500 --seconds 10
 *
 * Processes: the load generator runs in a child process, so its crypto and timing never share an
 * event loop with a server being measured. The two servers run in this process one after the
 * other, the SDK's first and stopped before the gateway starts: neither sees the other's work,
 * and the gateway is driven in-process so that its inbox can be counted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as lark from '@larksuiteoapi/node-sdk';
import pg from 'pg';
import { loadConfig } from '../src/config/index.ts';
import { openPush } from '../src/events/open-push.ts';
import { createLogger } from '../src/log/index.ts';
import { startGateway, type Gateway } from '../src/main.ts';
import { createKeyring, sealSecret } from '../src/secrets/index.ts';
import { createBenchDatabase, withAdmin } from './bench-database.ts';
import { feishuPush } from './feishu-push.ts';
import { gatewayAckSeconds } from './gateway-ack-seconds.ts';
import { latencySummary, type LatencySummary } from './latency-summary.ts';
import { startLoadGeneratorChild, type LoadGeneratorChild, type LoadPhase, type LoadTarget, type PhaseResult } from './load-generator-child.ts';
import { postgresCpuSeconds } from './postgres-cpu-seconds.ts';
import { samplePgActivity } from './sample-pg-activity.ts';
import { runPool } from './run-pool.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
  strict: true,
});
const wholeNumber = (name: string, value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new RangeError(`--${name} must be a whole number ≥ 1, got ${value}`);
  return parsed;
};
const EVENTS = wholeNumber('events', args.events);
const CONCURRENCY = wholeNumber('concurrency', args.concurrency);
const RATE = wholeNumber('rate', args.rate);
const PACED_SECONDS = wholeNumber('seconds', args.seconds);
const ADMIN_URL = args['admin-url'];
const WARMUP = 500;
const EVENT_TYPE = 'im.message.receive_v1';
const GOAL_P99_MS = 100;
/** The gateway's dispatch backlog is given this long to drain between phases. */
const DRAIN_CAP_MS = 5_000;
const WATCHDOG_MS = 180_000;

const line = (text: string) => process.stdout.write(`${text}\n`);
const cleanups: (() => Promise<void>)[] = [];
const forget = (cleanup: () => Promise<void>) => {
  const at = cleanups.indexOf(cleanup);
  if (at >= 0) cleanups.splice(at, 1);
};
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench:events did not finish within ${WATCHDOG_MS / 1000} s; stopping\n`);
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

// One Feishu app for both targets: the same secrets, event type and payloads.
const secrets = {
  appId: `cli_${randomBytes(8).toString('hex')}`,
  encryptKey: randomBytes(24).toString('base64url'),
  verificationToken: randomBytes(16).toString('base64url'),
};

const phasesFor = (prefix: string): LoadPhase[] => [
  { name: 'warm-up', mode: 'closed', concurrency: CONCURRENCY, events: WARMUP, idPrefix: `${prefix}-w` },
  { name: 'throughput', mode: 'closed', concurrency: CONCURRENCY, events: EVENTS, idPrefix: `${prefix}-t` },
  { name: 'paced', mode: 'paced', perSecond: RATE, events: RATE * PACED_SECONDS, idPrefix: `${prefix}-p` },
];

/** What the gateway side adds to a phase: its route's own ack time, events dispatched, and what its database connections did. */
type GatewayView = {
  readonly serverAck: { readonly count: number; readonly meanMs: number };
  readonly handled: number;
  readonly activity: Awaited<ReturnType<Awaited<ReturnType<typeof samplePgActivity>>['stop']>>;
};
/** A phase's figures plus what this side saw: the server process's CPU and PostgreSQL's. */
type Measured = PhaseResult & {
  readonly serverCpuSeconds: number;
  /** Share of the phase the server's event loop spent running code, and how late its timers fired (what every awaiting step pays again). */
  readonly eventLoop: { readonly utilization: number; readonly delayP50Ms: number; readonly delayP99Ms: number; readonly delayMaxMs: number };
  readonly postgresCpuSeconds: number | undefined;
  readonly gateway: GatewayView | undefined;
};

async function measure(generator: LoadGeneratorChild, target: LoadTarget, phase: LoadPhase, gateway?: { gateway: Gateway; databaseName: string }): Promise<Measured> {
  const ackBefore = gateway === undefined ? undefined : await gatewayAckSeconds(gateway.gateway.url);
  const handledBefore = gateway === undefined ? 0 : await countEvents(gateway.gateway, 'handled');
  const sampler = gateway === undefined ? undefined : await samplePgActivity(ADMIN_URL, gateway.databaseName, 20);
  const cpuBefore = process.cpuUsage();
  const pgBefore = postgresCpuSeconds();
  const eluBefore = perf.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const result = await generator.run(target, phase);
  delay.disable();
  const elu = perf.eventLoopUtilization(eluBefore);
  const cpu = process.cpuUsage(cpuBefore);
  // The histogram records each 5 ms timer's whole interval, in nanoseconds: the lag is what exceeds 5 ms.
  const delayMs = (nanoseconds: number) => Math.max(0, Math.round((nanoseconds / 1e6 - 5) * 10) / 10);
  const eventLoop = { utilization: elu.utilization, delayP50Ms: delayMs(delay.percentile(50)), delayP99Ms: delayMs(delay.percentile(99)), delayMaxMs: delayMs(delay.max) };
  const pgAfter = postgresCpuSeconds();
  let view: GatewayView | undefined;
  if (gateway !== undefined && ackBefore !== undefined && sampler !== undefined) {
    const activity = await sampler.stop();
    const ackAfter = await gatewayAckSeconds(gateway.gateway.url);
    const count = ackAfter.count - ackBefore.count;
    view = { serverAck: { count, meanMs: ((ackAfter.sum - ackBefore.sum) / Math.max(1, count)) * 1000 }, handled: (await countEvents(gateway.gateway, 'handled')) - handledBefore, activity };
  }
  return {
    ...result,
    serverCpuSeconds: (cpu.user + cpu.system) / 1e6,
    eventLoop,
    postgresCpuSeconds: pgBefore === undefined || pgAfter === undefined ? undefined : pgAfter - pgBefore,
    gateway: view,
  };
}

function report(result: Measured): void {
  const l = result.latencyMs;
  const failures = Object.entries(result.failures);
  const cpu = (seconds: number) => `${seconds.toFixed(2)} s (${((seconds / result.seconds) * 100).toFixed(0)} % of a core)`;
  line(
    `  ${result.name.padEnd(10)} ${result.acked}/${result.sent} acked in ${result.seconds.toFixed(2)} s = ${result.acksPerSecond.toFixed(0)} acks/s; ` +
      `ack p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms${failures.length > 0 ? `; failures ${JSON.stringify(result.failures)}` : ''}`,
  );
  line(
    `             CPU: server ${cpu(result.serverCpuSeconds)}, generator ${cpu(result.cpuSeconds)}, PostgreSQL ${result.postgresCpuSeconds === undefined ? 'unknown' : cpu(result.postgresCpuSeconds)}` +
      (result.sendLagMs === undefined ? '' : `; generator send lag p99 ${result.sendLagMs.p99} ms, max ${result.sendLagMs.max} ms`),
  );
  const loop = result.eventLoop;
  line(`             server event loop: ${(loop.utilization * 100).toFixed(0)} % busy, timer lag p50 ${loop.delayP50Ms} ms, p99 ${loop.delayP99Ms} ms, max ${loop.delayMaxMs} ms`);
  const view = result.gateway;
  if (view === undefined) return;
  line(`             route's own ack time mean ${view.serverAck.meanMs.toFixed(1)} ms; dispatched meanwhile ${view.handled} (${(view.handled / result.seconds).toFixed(0)}/s)`);
  line(`             database connections (up to ${view.activity.connections}; ${view.activity.samples} samples of pg_stat_activity, state | wait | statement):`);
  for (const share of view.activity.shares.slice(0, 8)) line(`               ${String(share.percent).padStart(5)} %  ${share.what}`);
}

async function runSdk(generator: LoadGeneratorChild): Promise<Measured[]> {
  // As the SDK's README wires it; only its logger is quietened (the gateway runs at warn too).
  const dispatcher = new lark.EventDispatcher({ encryptKey: secrets.encryptKey, verificationToken: secrets.verificationToken, loggerLevel: lark.LoggerLevel.warn }).register({
    [EVENT_TYPE]: async () => ({}),
  });
  const handle = lark.adaptDefault('/webhook/event', dispatcher, { autoChallenge: true });
  const server = createServer((request, response) => void handle(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const closeServer = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(closeServer);
  try {
    // The SDK answers 200 with `JSON.stringify(handler result)`, and 200 with an empty body when
    // the signature does not verify: only `{}` counts as an acknowledgement.
    const target: LoadTarget = { ...secrets, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/event`, eventType: EVENT_TYPE, ackBody: '{}' };
    const results: Measured[] = [];
    for (const phase of phasesFor('sdk')) results.push(await measure(generator, target, phase));
    return results;
  } finally {
    forget(closeServer);
    await closeServer();
  }
}

const createDatabase = async () => await createBenchDatabase(ADMIN_URL, 'gw_bench_events', (cleanup) => cleanups.push(cleanup));

async function countEvents(gateway: Gateway, status: 'pending' | 'handled'): Promise<number> {
  const row = await gateway.database.kysely.selectFrom('event_inbox').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', status).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Waits until the dispatch backlog is handled (up to a cap): returns how long it took and what is left. */
async function drain(gateway: Gateway): Promise<{ ms: number; pending: number }> {
  const started = performance.now();
  for (;;) {
    const pending = await countEvents(gateway, 'pending');
    const ms = performance.now() - started;
    if (pending === 0 || ms > DRAIN_CAP_MS) return { ms, pending };
    await sleep(100);
  }
}

/** Single-row insert transactions on their own pool, as many and as concurrent as the throughput phase: the database's commit floor. */
async function commitProbe(url: string, poolSize: number): Promise<{ perSecond: number; latencyMs: LatencySummary }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  try {
    await pool.query('create table bench_commit (id bigserial primary key, payload text not null)');
    const payload = randomBytes(600).toString('base64');
    const latencies: number[] = [];
    const started = performance.now();
    await runPool(EVENTS, CONCURRENCY, async () => {
      const sent = performance.now();
      await pool.query('insert into bench_commit (payload) values ($1)', [payload]);
      latencies.push(performance.now() - sent);
    });
    const seconds = (performance.now() - started) / 1000;
    await pool.query('drop table bench_commit');
    return { perSecond: EVENTS / seconds, latencyMs: latencySummary(latencies) };
  } finally {
    await pool.end();
  }
}

/** CPU time per event of the ack path's pure steps, on this process: verify + decrypt + parse (`openPush`), and sealing the payload. */
function cpuPerEvent(): { openPushUs: number; sealUs: number } {
  const connection = { name: 'default', encryptKey: secrets.encryptKey, verificationToken: secrets.verificationToken };
  const keyring = createKeyring([randomBytes(32).toString('base64')]);
  const now = Date.now();
  const pushes = Array.from({ length: 2_000 }, (_, index) => {
    const plaintext = JSON.stringify({
      schema: '2.0',
      header: { event_id: `cpu-${index}`, event_type: EVENT_TYPE, create_time: String(now), token: secrets.verificationToken, app_id: secrets.appId, tenant_key: 't' },
      event: { message: { message_id: `om_${randomBytes(16).toString('hex')}`, content: JSON.stringify({ text: `bench event ${index}` }) } },
    });
    const push = feishuPush(secrets.encryptKey, plaintext, now);
    return { headers: push.headers, rawBody: Buffer.from(push.body) };
  });
  const openStarted = performance.now();
  const opened = pushes.map((push) => openPush(push, connection, { now, maxAgeMs: 3_600_000 }));
  const openUs = ((performance.now() - openStarted) * 1000) / pushes.length;
  const sealStarted = performance.now();
  for (const item of opened) if (item.kind === 'event') sealSecret(keyring, JSON.stringify(item.payload), `event_inbox:${item.eventId}`);
  const sealUs = ((performance.now() - sealStarted) * 1000) / opened.length;
  return { openPushUs: openUs, sealUs };
}

async function runGateway(generator: LoadGeneratorChild) {
  const { url: databaseUrl, name: databaseName } = await createDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gw-bench-events-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
      FEISHU_APP_ID: secrets.appId,
      FEISHU_APP_SECRET: randomBytes(16).toString('hex'),
      FEISHU_ENCRYPT_KEY: secrets.encryptKey,
      FEISHU_VERIFICATION_TOKEN: secrets.verificationToken,
      // Nothing here calls Feishu: a closed loopback port.
      FEISHU_DOMAIN: 'http://127.0.0.1:9',
      LOG_LEVEL: 'warn',
    },
    cwd: process.cwd(),
  });
  const logger = createLogger({ level: 'warn', format: 'json', destination: { write: (text: string) => void process.stderr.write(text) } });
  const gateway = await startGateway(config, logger);
  const stopGateway = async () => await gateway.stop();
  cleanups.push(stopGateway);
  try {
    // A no-op handler: dispatch runs as in production (load, open, handle, settle) while pushes arrive.
    gateway.events.registry.on(EVENT_TYPE, async () => {});
    const target: LoadTarget = { ...secrets, url: `${gateway.url}/feishu/default/events`, eventType: EVENT_TYPE, ackBody: JSON.stringify({ msg: 'success' }) };
    const results: Measured[] = [];
    const drains: { before: string; ms: number; pending: number }[] = [];
    for (const phase of phasesFor('gw')) {
      // Each phase starts with the previous phase's dispatch backlog handled.
      if (results.length > 0) drains.push({ before: phase.name, ...(await drain(gateway)) });
      results.push(await measure(generator, target, phase, { gateway, databaseName }));
    }
    const pendingAfterPaced = await countEvents(gateway, 'pending');
    drains.push({ before: 'end', ...(await drain(gateway)) });

    // Durability: every event answered 200 has its row.
    const stored = new Set((await gateway.database.kysely.selectFrom('event_inbox').select('event_id').execute()).map((row) => row.event_id));
    const acked = results.flatMap((result) => result.ackedIds);
    const missing = acked.filter((id) => !stored.has(id)).length;
    const statuses = await gateway.database.kysely
      .selectFrom('event_inbox')
      .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();

    const commits = await commitProbe(databaseUrl, config.database.poolSize);
    return {
      results,
      drains,
      pendingAfterPaced,
      rows: stored.size,
      acked: acked.length,
      missing,
      statuses: Object.fromEntries(statuses.map((row) => [row.status, Number(row.n)])),
      commits,
      poolSize: config.database.poolSize,
    };
  } finally {
    forget(stopGateway);
    await stopGateway();
  }
}

const started = performance.now();
try {
  const serverVersion = await withAdmin(ADMIN_URL, async (client) => ((await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?'));
  const syncCommit = await withAdmin(ADMIN_URL, async (client) => ((await client.query<{ v: string }>('select setting as v from pg_settings where name = $1', ['synchronous_commit'])).rows[0]?.v ?? '?'));
  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  line(
    `Inbound events benchmark (Node ${process.version}, ${availableParallelism()} CPUs: ${cpuModel}; PostgreSQL ${serverVersion} on loopback, synchronous_commit=${syncCommit}): ` +
      `${EVENT_TYPE} pushes, encrypted and signed, unique ids`,
  );
  line(
    `Per target: warm-up ${WARMUP}, throughput ${EVENTS.toLocaleString('en-US')} events at ${CONCURRENCY} keep-alive connections, ` +
      `then ${RATE}/s for ${PACED_SECONDS} s open-loop (latency from each request's scheduled time). Load generator in a child process.`,
  );
  const generator = startLoadGeneratorChild();
  cleanups.push(async () => await generator.stop());

  const sdk = await runSdk(generator);
  line('');
  line('SDK EventDispatcher + adaptDefault (stores nothing):');
  for (const result of sdk) report(result);

  const gw = await runGateway(generator);
  line('');
  line(`Gateway on PostgreSQL (inbox row + dispatch job committed per event, pool ${gw.poolSize}, no-op handler):`);
  for (const result of gw.results) report(result);
  line(`  dispatch backlog drained: ${gw.drains.map((d) => `before ${d.before} ${(d.ms / 1000).toFixed(1)} s${d.pending > 0 ? ` (${d.pending} still pending)` : ''}`).join(', ')}; pending right after the paced phase: ${gw.pendingAfterPaced}`);
  line(`  durability: ${gw.acked} acked, ${gw.rows} inbox rows, ${gw.missing} acked events missing; statuses ${JSON.stringify(gw.statuses)}`);

  const cpu = cpuPerEvent();
  line('');
  line('Where the time goes (diagnostics):');
  line(
    `  PostgreSQL commit floor: ${EVENTS.toLocaleString('en-US')} single-row insert transactions, ${CONCURRENCY} callers on a pool of ${gw.poolSize}: ` +
      `${gw.commits.perSecond.toFixed(0)} commits/s, p50 ${gw.commits.latencyMs.p50} ms, p99 ${gw.commits.latencyMs.p99} ms`,
  );
  line(`  CPU per event in the ack path's pure steps: openPush (verify + decrypt + parse) ${cpu.openPushUs.toFixed(0)} µs, sealing the payload ${cpu.sealUs.toFixed(0)} µs`);

  const byName = (results: readonly Measured[], name: string) => {
    const found = results.find((result) => result.name === name);
    if (found === undefined) throw new Error(`no ${name} phase`);
    return found;
  };
  const sdkThroughput = byName(sdk, 'throughput');
  const gwThroughput = byName(gw.results, 'throughput');
  const sdkPaced = byName(sdk, 'paced');
  const gwPaced = byName(gw.results, 'paced');
  const ratio = gwThroughput.acksPerSecond / sdkThroughput.acksPerSecond;
  const failuresOf = (results: readonly Measured[]) => {
    const total: Record<string, number> = {};
    for (const result of results) for (const [key, count] of Object.entries(result.failures)) total[key] = (total[key] ?? 0) + count;
    return total;
  };
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const throughputMet = ratio >= 1 && gw.missing === 0;
  const p99Met = gwPaced.latencyMs.p99 <= GOAL_P99_MS && gwPaced.acked === gwPaced.sent;
  line('');
  line(
    `Goals: gateway throughput ≥ SDK's while committing every event ${met(throughputMet)} (${gwThroughput.acksPerSecond.toFixed(0)} vs ${sdkThroughput.acksPerSecond.toFixed(0)} acks/s, ratio ${ratio.toFixed(2)}); ` +
      `ack p99 ≤ ${GOAL_P99_MS} ms at ${RATE}/s ${met(p99Met)} (${gwPaced.latencyMs.p99} ms)`,
  );
  const figures = (result: Measured) => ({
    acked: result.acked,
    sent: result.sent,
    seconds: Number(result.seconds.toFixed(3)),
    acks_per_s: Number(result.acksPerSecond.toFixed(1)),
    p50_ms: result.latencyMs.p50,
    p99_ms: result.latencyMs.p99,
    max_ms: result.latencyMs.max,
    server_cpu_s: Number(result.serverCpuSeconds.toFixed(2)),
    generator_cpu_s: Number(result.cpuSeconds.toFixed(2)),
    postgres_cpu_s: result.postgresCpuSeconds === undefined ? null : Number(result.postgresCpuSeconds.toFixed(2)),
    event_loop_busy: Number(result.eventLoop.utilization.toFixed(2)),
    event_loop_delay_p99_ms: result.eventLoop.delayP99Ms,
    ...(result.sendLagMs === undefined ? {} : { generator_lag_p99_ms: result.sendLagMs.p99 }),
  });
  line(
    `RESULT ${JSON.stringify({
      node: process.version,
      cpus: availableParallelism(),
      database: `postgresql ${serverVersion}`,
      event_type: EVENT_TYPE,
      concurrency: CONCURRENCY,
      events: EVENTS,
      rate: RATE,
      paced_seconds: PACED_SECONDS,
      sdk: { throughput: figures(sdkThroughput), paced: figures(sdkPaced), failures: failuresOf(sdk) },
      gateway: {
        throughput: figures(gwThroughput),
        paced: figures(gwPaced),
        failures: failuresOf(gw.results),
        acked_total: gw.acked,
        inbox_rows: gw.rows,
        acked_missing_from_inbox: gw.missing,
        route_ack_mean_ms_throughput: gwThroughput.gateway === undefined ? null : Number(gwThroughput.gateway.serverAck.meanMs.toFixed(2)),
        route_ack_mean_ms_paced: gwPaced.gateway === undefined ? null : Number(gwPaced.gateway.serverAck.meanMs.toFixed(2)),
        dispatched_per_s_paced: gwPaced.gateway === undefined ? null : Number((gwPaced.gateway.handled / gwPaced.seconds).toFixed(1)),
        pending_after_paced: gw.pendingAfterPaced,
      },
      ratio_throughput: Number(ratio.toFixed(3)),
      goal_throughput_met: throughputMet,
      goal_p99_ms: GOAL_P99_MS,
      goal_p99_met: p99Met,
      commit_floor_per_s: Number(gw.commits.perSecond.toFixed(0)),
      commit_floor_p99_ms: gw.commits.latencyMs.p99,
      open_push_us: Number(cpu.openPushUs.toFixed(0)),
      seal_us: Number(cpu.sealUs.toFixed(0)),
      total_seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    })}`,
  );
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
// pg-boss timers and keep-alive sockets may linger; the run is over.
process.exit(0);
