/**
 * The directory sync benchmark (issue 7, "Benchmark"): a full sync of a generated tenant (100,000
 * people in 5,000 departments by default) by the gateway's own directory sync, against the
 * emulator at its documented rate limits times a multiplier, on a fresh PostgreSQL database.
 * Reported against goals: requests made against the fewest the tenant's structure requires
 * (≤ 1.1 ×), the sync's wall time against the rate-limit floor for the requests it made
 * (≤ 1.1 ×), the gateway's peak RSS (≤ 300 MB), and rows mirrored equal to the tenant's.
 * Loopback only; stops by itself. The last line is `RESULT {json}`.
 *
 *   npm run bench:directory
 *   npm run bench:directory -- --users 5000 --departments 250 --multiplier 10
 *   npm run bench:directory -- --multiplier 1 --analyze-seconds 60    (Feishu's own limits; statistics as autovacuum keeps them)
 *
 * `--max-recursive-departments N` makes the emulator answer 43010 above N descendants (the
 * level-by-level fallback); `--gateway-node-options` sets the gateway's NODE_OPTIONS (e.g.
 * `--max-semi-space-size=4`, to tell heap slack from live memory); `--analyze-seconds N` runs
 * ANALYZE on the gateway's directory tables every N s, for a server whose autovacuum is off.
 *
 * Processes: the emulator runs in a child process (its CPU never shares the gateway's event loop)
 * and computes the minimum from the tenant as it built it (see directory-shape.ts). The gateway
 * is `feishu-gateway start` in a second child, configured with the emulator's app as its `default`
 * connection: a self-built connection that has never been synced starts a full sync at start-up,
 * and this process only watches — the run's row in `directory_sync_runs`, the emulator's count of
 * calls per API (`GET /_emulator/api-calls`), the gateway's RSS and everyone's CPU.
 *
 * The floor of one API is the shortest time its windows (per app: 50/s and 1,000/min for the
 * contact APIs, times the multiplier) allow for the calls it received, a minute's budget spent at
 * the per-second pace (ideal-seconds.ts); APIs have budgets of their own, so the run's floor is
 * the largest of them. The sustained-rate figure (calls ÷ the per-minute rate) is shown beside it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBenchDatabase, withAdmin } from './bench-database.ts';
import { startDirectoryEmulator, type DirectoryEmulator } from './directory-emulator-child.ts';
import { emulatorCalls, emulatorWindows } from './emulator-calls.ts';
import { startGatewayChild, type GatewayChild } from './gateway-child.ts';
import { idealSeconds } from './ideal-seconds.ts';
import { postgresCpuSeconds } from './postgres-cpu-seconds.ts';
import { samplePgActivity } from './sample-pg-activity.ts';
import { activeSpans, idleGaps, type Sample } from './sync-samples.ts';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    departments: { type: 'string', default: '5000' },
    multiplier: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    'max-recursive-departments': { type: 'string' },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'watchdog-minutes': { type: 'string', default: '20' },
    // What autovacuum would do on a server where it is off (the test server's setting): without
    // statistics the planner cannot pick the primary key for the sync's lookups of new rows.
    'analyze-seconds': { type: 'string', default: '0' },
    // NODE_OPTIONS for the gateway's process, e.g. `--max-old-space-size=128`, to tell heap slack from live memory.
    'gateway-node-options': { type: 'string', default: '' },
  },
  strict: true,
});
const wholeNumber = (name: string, value: string, least: number) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < least) throw new RangeError(`--${name} must be a whole number ≥ ${least}, got ${value}`);
  return parsed;
};
const USERS = wholeNumber('users', args.users, 1);
const DEPARTMENTS = wholeNumber('departments', args.departments, 1);
const SEED = wholeNumber('seed', args.seed, 0);
const MAX_RECURSIVE = args['max-recursive-departments'] === undefined ? undefined : wholeNumber('max-recursive-departments', args['max-recursive-departments'], 0);
const MULTIPLIER = Number(args.multiplier);
// 0 would lift every limit, and with it the floor this bench measures against.
if (!(MULTIPLIER > 0) || MULTIPLIER > 1000) throw new RangeError(`--multiplier must be a number above 0 and at most 1000, got ${args.multiplier}`);
const WATCHDOG_MS = wholeNumber('watchdog-minutes', args['watchdog-minutes'], 1) * 60_000;
const ADMIN_URL = args['admin-url'];
const ANALYZE_SECONDS = wholeNumber('analyze-seconds', args['analyze-seconds'], 0);
const GATEWAY_NODE_OPTIONS = args['gateway-node-options'];
const ANALYZED_TABLES = ['directory_users', 'directory_departments', 'directory_groups', 'directory_group_members', 'directory_changes', 'directory_sync_tasks'];
const GOALS = { requestsRatio: 1.1, floorRatio: 1.1, peakRssMb: 300 } as const;
const SAMPLE_MS = 500;
const PROGRESS_MS = 10_000;

const line = (text: string) => process.stdout.write(`${text}\n`);
const cleanups: (() => Promise<void>)[] = [];
// One clean-up, whoever asks first (the watchdog, a signal, the end of the run); the others wait
// for it, so the process never exits while a child or the database is still being stopped.
let cleaning: Promise<void> | undefined;
const cleanUp = async () =>
  await (cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  })());
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  process.stderr.write(`bench:directory did not finish within ${WATCHDOG_MS / 60_000} min; stopping\n`);
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const count = (value: number) => value.toLocaleString('en-US');
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

const createDatabase = async () => await createBenchDatabase(ADMIN_URL, 'gw_bench_directory', (cleanup) => cleanups.push(cleanup));

type RunRow = { id: string; status: string; requests: number; started_at: Date; finished_at: Date | null; error: string | null; counts: unknown };

async function syncRun(database: pg.Client): Promise<RunRow | undefined> {
  const { rows } = await database.query<RunRow>('select id, status, requests, started_at, finished_at, error, counts from directory_sync_runs order by id limit 1');
  return rows[0];
}

async function mirrored(database: pg.Client): Promise<{ users: number; departments: number; groups: number; groupMembers: number }> {
  const { rows } = await database.query<{ users: string; departments: string; groups: string; members: string }>(
    `select (select count(*) from directory_users where state <> 'deleted') as users,
            (select count(*) from directory_departments where not is_deleted) as departments,
            (select count(*) from directory_groups where not is_deleted) as groups,
            (select count(*) from directory_group_members) as members`,
  );
  const row = rows[0];
  return { users: Number(row?.users ?? 0), departments: Number(row?.departments ?? 0), groups: Number(row?.groups ?? 0), groupMembers: Number(row?.members ?? 0) };
}

/** Watches the sync until its run is done; fails if it fails or the gateway exits. */
async function watchSync(gateway: GatewayChild, database: pg.Client, emulator: DirectoryEmulator, startedAt: number): Promise<{ run: RunRow; samples: Sample[] }> {
  const samples: Sample[] = [];
  let lastProgress = 0;
  let lastAnalyze = 0;
  for (;;) {
    if (gateway.exited()) throw new Error(`the gateway exited during the sync:\n${gateway.logTail().join('\n')}`);
    const run = await syncRun(database);
    const at = (performance.now() - startedAt) / 1000;
    samples.push({ at, calls: await emulatorCalls(emulator), rssBytes: gateway.memory()?.rssBytes });
    if (run?.status === 'failed') throw new Error(`the sync failed: ${run.error ?? '?'}`);
    if (run?.status === 'done') return { run, samples };
    if (ANALYZE_SECONDS > 0 && at - lastAnalyze >= ANALYZE_SECONDS) {
      lastAnalyze = at;
      await database.query(`analyze ${ANALYZED_TABLES.join(', ')}`);
    }
    if (at * 1000 - lastProgress >= PROGRESS_MS) {
      lastProgress = at * 1000;
      const rows = await mirrored(database);
      const memory = gateway.memory();
      line(
        `  ${at.toFixed(0).padStart(4)} s  requests ${count(run?.requests ?? 0).padStart(6)}  users ${count(rows.users).padStart(7)}  departments ${count(rows.departments).padStart(5)}  ` +
          `gateway RSS ${memory === undefined ? '?' : mb(memory.rssBytes)} MB (peak ${memory === undefined ? '?' : mb(memory.peakBytes)} MB)`,
      );
    }
    await sleep(SAMPLE_MS);
  }
}

/** The sync's steps as pg-boss jobs: how long each waited between being queued and starting. */
async function syncSteps(database: pg.Client): Promise<{ steps: number; waits: number[] }> {
  const { rows } = await database.query<{ wait: number | null }>(
    `select extract(epoch from started_on - created_on)::float8 as wait from pgboss.job where name = 'directory.sync' order by created_on`,
  );
  return { steps: rows.length, waits: rows.map((row) => row.wait ?? Number.NaN) };
}

let gatewayRef: GatewayChild | undefined;

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const serverVersion = await withAdmin(ADMIN_URL, async (client) => (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?');
  const setting = async (name: string) => await withAdmin(ADMIN_URL, async (client) => (await client.query<{ v: string }>('select setting as v from pg_settings where name = $1', [name])).rows[0]?.v ?? '?');
  const syncCommit = await setting('synchronous_commit');
  const autovacuum = await setting('autovacuum');
  line(
    `Directory sync benchmark (Node ${process.version}, ${availableParallelism()} CPUs: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; PostgreSQL ${serverVersion} on loopback, synchronous_commit=${syncCommit}, autovacuum=${autovacuum}): ` +
      `full sync of ${count(USERS)} people in ${count(DEPARTMENTS)} departments (seed ${SEED}), emulator rate limits × ${MULTIPLIER}`,
  );
  if (ANALYZE_SECONDS > 0) line(`The bench runs ANALYZE on the gateway's directory tables every ${ANALYZE_SECONDS} s during the sync, as autovacuum would.`);
  else if (autovacuum === 'off') line('autovacuum is off on this server: the tables the sync fills are never analyzed (--analyze-seconds 60 does what autovacuum would).');
  if (GATEWAY_NODE_OPTIONS !== '') line(`The gateway runs with NODE_OPTIONS=${GATEWAY_NODE_OPTIONS}.`);

  const emulator = await startDirectoryEmulator({ seed: SEED, users: USERS, departments: DEPARTMENTS, multiplier: MULTIPLIER, maxRecursiveDepartments: MAX_RECURSIVE });
  cleanups.push(async () => await emulator.stop());
  const shape = emulator.shape;
  const minimumTotal = Object.values(shape.minimum).reduce((sum, calls) => sum + calls, 0);
  line(
    `Tenant as built (${emulator.buildSeconds.toFixed(1)} s, emulator in a child process): ${count(shape.users)} people, ${count(shape.departments)} departments ` +
      `(${shape.grantedDepartments} top-level, ${shape.tooBigToRecurse} too big to list recursively above ${shape.maxRecursiveDepartments}, largest ${count(shape.largestDepartment)} direct members), ` +
      `${count(shape.groups)} groups with ${count(shape.groupMembers)} members; scope: ${count(shape.scopeEntries)} entries, ${count(shape.grantedUsers)} people granted directly`,
  );
  line(`Minimum calls the structure requires: ${count(minimumTotal)} (${Object.entries(shape.minimum).map(([api, calls]) => `${api.replace('contact.v3.', '')} ${count(calls)}`).join(', ')})`);

  const { url: databaseUrl, name: databaseName } = await createDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gw-bench-directory-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const gatewayStarted = performance.now();
  const gatewayStartedAt = Date.now();
  const gateway = startGatewayChild({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
    FEISHU_APP_ID: emulator.appId,
    FEISHU_APP_SECRET: emulator.appSecret,
    FEISHU_ENCRYPT_KEY: emulator.encryptKey,
    FEISHU_VERIFICATION_TOKEN: emulator.verificationToken,
    FEISHU_DOMAIN: emulator.url,
    // The gateway keeps to the limits the emulator enforces.
    FEISHU_RATE_LIMIT_MULTIPLIER: String(MULTIPLIER),
    LOG_LEVEL: 'info',
    ...(GATEWAY_NODE_OPTIONS === '' ? {} : { NODE_OPTIONS: GATEWAY_NODE_OPTIONS }),
  });
  cleanups.push(async () => await gateway.stop());
  gatewayRef = gateway;
  await gateway.listening;
  const listenedSeconds = (performance.now() - gatewayStarted) / 1000;
  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();
  cleanups.push(async () => await database.end());
  const idleMemory = gateway.memory();
  line(
    `Gateway (feishu-gateway start, child process) listening after ${listenedSeconds.toFixed(1)} s with RSS ${idleMemory === undefined ? '?' : mb(idleMemory.rssBytes)} MB ` +
      `(peak so far ${idleMemory === undefined ? '?' : mb(idleMemory.peakBytes)} MB); its full sync runs. Progress:`,
  );

  const loadBefore = loadavg()[0] ?? 0;
  const cpuBefore = { gateway: gateway.cpuSeconds(), emulator: emulator.cpuSeconds(), postgres: postgresCpuSeconds() };
  const activity = await samplePgActivity(ADMIN_URL, databaseName, 50);
  const { run, samples } = await watchSync(gateway, database, emulator, gatewayStarted);
  const pgActivity = await activity.stop();
  const cpuSpent = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before);
  const cpu = {
    gateway: cpuSpent(cpuBefore.gateway, gateway.cpuSeconds()),
    emulator: cpuSpent(cpuBefore.emulator, emulator.cpuSeconds()),
    postgres: cpuSpent(cpuBefore.postgres, postgresCpuSeconds()),
  };
  const memory = gateway.memory();
  const sampledPeak = Math.max(0, ...samples.map((sample) => sample.rssBytes ?? 0));
  const peakSample = samples.find((sample) => sample.rssBytes === sampledPeak);
  const calls = await emulatorCalls(emulator);
  const rows = await mirrored(database);
  const { rows: taskKinds } = await database.query<{ task: string; n: string }>('select task, count(*) as n from directory_sync_tasks where run_id = $1 group by task order by task', [run.id]);
  const { rows: changeKinds } = await database.query<{ entity: string; kind: string; n: string }>('select entity, kind, count(*) as n from directory_changes group by entity, kind order by entity, kind');
  const windows = await emulatorWindows(emulator);
  const steps = await syncSteps(database).catch(() => undefined);
  await gateway.stop();
  const logLevels = gateway.logLevels();

  // The figures.
  const syncSeconds = ((run.finished_at ?? new Date()).getTime() - run.started_at.getTime()) / 1000;
  const apis = [...new Set([...Object.keys(shape.minimum), ...Object.keys(calls ?? {})])].sort();
  const windowsOf = (api: string) => windows.get(api) ?? { perSecond: Number.POSITIVE_INFINITY, perMinute: Number.POSITIVE_INFINITY };
  const floorOf = (api: string, made: number) => idealSeconds(made, windowsOf(api).perSecond, windowsOf(api).perMinute);
  const sustainedOf = (api: string, made: number) => (Number.isFinite(windowsOf(api).perMinute) ? (made / windowsOf(api).perMinute) * 60 : floorOf(api, made));
  const spans = activeSpans(samples);
  const perApi = apis.map((api) => {
    const made = calls?.[api]?.calls ?? 0;
    const span = spans.get(api);
    return {
      api,
      calls: made,
      refused: calls?.[api]?.refused ?? 0,
      minimum: shape.minimum[api] ?? 0,
      floorSeconds: floorOf(api, made),
      minimumFloorSeconds: floorOf(api, shape.minimum[api] ?? 0),
      sustainedSeconds: sustainedOf(api, made),
      busySeconds: span === undefined ? 0 : span.to - span.from,
      busyFrom: span?.from,
      perSecondCap: windowsOf(api).perSecond,
    };
  });
  const emulatorTotal = calls === undefined ? undefined : perApi.reduce((sum, item) => sum + item.calls, 0);
  const refusedTotal = perApi.reduce((sum, item) => sum + item.refused, 0);
  const minimumFloor = Math.max(0, ...perApi.map((item) => item.minimumFloorSeconds));
  // Without the emulator's count of calls per API, the floor is the one of the minimum.
  const floor = calls === undefined ? minimumFloor : Math.max(0, ...perApi.map((item) => item.floorSeconds));
  const floorApi = perApi.find((item) => (calls === undefined ? item.minimumFloorSeconds : item.floorSeconds) === floor)?.api ?? '-';
  const sustainedFloor = Math.max(0, ...perApi.map((item) => item.sustainedSeconds));
  const requestsRatio = Number(run.requests) / minimumTotal;
  const emulatorRatio = emulatorTotal === undefined ? undefined : emulatorTotal / minimumTotal;
  const floorRatio = syncSeconds / floor;
  const peakBytes = Math.max(memory?.peakBytes ?? 0, sampledPeak);
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const requestsMet = requestsRatio <= GOALS.requestsRatio && (emulatorRatio === undefined || emulatorRatio <= GOALS.requestsRatio);
  const floorMet = floorRatio <= GOALS.floorRatio;
  const rssMet = mb(peakBytes) <= GOALS.peakRssMb;
  const rowsMet = rows.users === shape.users && rows.departments === shape.departments;

  line('');
  line(
    `Sync run ${run.id}: done in ${syncSeconds.toFixed(1)} s (started ${((run.started_at.getTime() - gatewayStartedAt) / 1000).toFixed(1)} s after the gateway was spawned); ` +
      `requests column ${count(Number(run.requests))}, emulator counted ${emulatorTotal === undefined ? 'unknown (no /_emulator/api-calls)' : count(emulatorTotal)}${refusedTotal > 0 ? ` (${count(refusedTotal)} refused with 429)` : ''}`,
  );
  line(`Mirrored: ${count(rows.users)}/${count(shape.users)} people, ${count(rows.departments)}/${count(shape.departments)} departments, ${count(rows.groups)}/${count(shape.groups)} groups, ${count(rows.groupMembers)}/${count(shape.groupMembers)} group members`);
  line('');
  line('Per API: calls made (refused) vs minimum | floor for the calls made, floor at the minimum, sustained-rate time | busy span (from → to, s after the gateway started), rate while busy vs cap');
  for (const item of perApi) {
    const rate = item.busySeconds > 0 ? item.calls / item.busySeconds : 0;
    line(
      `  ${item.api.replace('contact.v3.', '').padEnd(25)} ${count(item.calls).padStart(6)}${item.refused > 0 ? ` (${item.refused})` : ''} vs ${count(item.minimum).padStart(6)} | ` +
        `floor ${item.floorSeconds.toFixed(1).padStart(5)} s, at minimum ${item.minimumFloorSeconds.toFixed(1).padStart(5)} s, sustained ${item.sustainedSeconds.toFixed(1).padStart(5)} s | ` +
        `busy ${item.busySeconds.toFixed(1).padStart(5)} s${item.busyFrom === undefined ? '' : ` (${item.busyFrom.toFixed(1)} → ${(item.busyFrom + item.busySeconds).toFixed(1)})`}, ${rate.toFixed(0)}/s vs ${Number.isFinite(item.perSecondCap) ? item.perSecondCap : '∞'}/s`,
    );
  }
  line('');
  line('Where the time goes (diagnostics):');
  const share = (seconds: number | undefined) => (seconds === undefined ? 'unknown' : `${seconds.toFixed(1)} s (${((seconds / syncSeconds) * 100).toFixed(0)} % of a core)`);
  line(`  machine load average (1 min) ${loadBefore.toFixed(1)} before the sync, ${loadavg()[0]?.toFixed(1) ?? '?'} after it: other work on this machine competes for its ${availableParallelism()} cores`);
  line(`  CPU during the sync: gateway ${share(cpu.gateway)}, emulator ${share(cpu.emulator)}, PostgreSQL ${share(cpu.postgres)}`);
  const gaps = idleGaps(samples, 2);
  const idleSeconds = gaps.reduce((sum, gap) => sum + gap.to - gap.from, 0);
  line(
    `  no Open API call at all for ${idleSeconds.toFixed(1)} s of the run, in ${gaps.length} stretch(es) of 2 s or more` +
      `${gaps.length === 0 ? '' : `: ${gaps.map((gap) => `${gap.from.toFixed(1)} → ${gap.to.toFixed(1)} s`).join(', ')}`}`,
  );
  if (steps !== undefined) {
    line(`  sync steps (directory.sync jobs): ${steps.steps}; each waited between being queued and starting: ${steps.waits.map((wait) => `${wait.toFixed(1)} s`).join(', ')}`);
  }
  line(`  sync tasks by kind: ${taskKinds.map((row) => `${row.task} ${count(Number(row.n))}`).join(', ')}`);
  line(`  change log rows: ${changeKinds.map((row) => `${row.entity}.${row.kind} ${count(Number(row.n))}`).join(', ')}`);
  line(
    `  gateway memory: RSS ${idleMemory === undefined ? '?' : mb(idleMemory.rssBytes)} MB when it listened, highest sampled ${mb(sampledPeak)} MB` +
      `${peakSample === undefined ? '' : ` at ${peakSample.at.toFixed(1)} s`}, kernel high-water mark (VmHWM) ${memory === undefined ? '?' : mb(memory.peakBytes)} MB`,
  );
  line(`  gateway log lines by level: ${JSON.stringify(logLevels)}`);
  for (const text of gateway.notable()) line(`    ${text}`);
  line(`  gateway database connections (up to ${pgActivity.connections}; ${pgActivity.samples} samples of pg_stat_activity, state | wait | statement):`);
  for (const item of pgActivity.shares.slice(0, 8)) line(`    ${String(item.percent).padStart(5)} %  ${item.what}`);
  line('');
  line(
    `Goals: requests ≤ ${GOALS.requestsRatio} × minimum ${met(requestsMet)} (${count(Number(run.requests))} by the requests column = ${requestsRatio.toFixed(2)} ×` +
      `${emulatorRatio === undefined ? '' : `, ${count(emulatorTotal ?? 0)} by the emulator = ${emulatorRatio.toFixed(2)} ×`}, minimum ${count(minimumTotal)}); ` +
      `wall time ≤ ${GOALS.floorRatio} × floor ${met(floorMet)} (${syncSeconds.toFixed(1)} s vs ${floor.toFixed(1)} s of ${floorApi} = ${floorRatio.toFixed(2)} ×; sustained-rate floor ${sustainedFloor.toFixed(1)} s, floor at the minimum ${minimumFloor.toFixed(1)} s); ` +
      `peak RSS ≤ ${GOALS.peakRssMb} MB ${met(rssMet)} (${mb(peakBytes)} MB); rows mirrored ${met(rowsMet)}`,
  );
  line(
    `RESULT ${JSON.stringify({
      node: process.version,
      cpus: availableParallelism(),
      database: `postgresql ${serverVersion}`,
      users: USERS,
      departments: DEPARTMENTS,
      seed: SEED,
      multiplier: MULTIPLIER,
      autovacuum,
      analyze_seconds: ANALYZE_SECONDS,
      gateway_node_options: GATEWAY_NODE_OPTIONS,
      max_recursive_departments: shape.maxRecursiveDepartments,
      tenant: { users: shape.users, departments: shape.departments, groups: shape.groups, group_members: shape.groupMembers, too_big_to_recurse: shape.tooBigToRecurse },
      mirrored: { users: rows.users, departments: rows.departments, groups: rows.groups, group_members: rows.groupMembers },
      requests_column: Number(run.requests),
      emulator_calls: emulatorTotal ?? null,
      emulator_refused: refusedTotal,
      minimum_requests: minimumTotal,
      requests_ratio: round(requestsRatio, 3),
      emulator_requests_ratio: emulatorRatio === undefined ? null : round(emulatorRatio, 3),
      per_api: Object.fromEntries(perApi.map((item) => [item.api, { calls: item.calls, refused: item.refused, minimum: item.minimum, floor_s: round(item.floorSeconds), busy_s: round(item.busySeconds, 1) }])),
      sync_seconds: round(syncSeconds, 1),
      idle_seconds: round(idleSeconds, 1),
      sync_steps: steps?.steps ?? null,
      floor_seconds: round(floor),
      floor_api: floorApi,
      floor_ratio: round(floorRatio, 3),
      sustained_floor_seconds: round(sustainedFloor),
      minimum_floor_seconds: round(minimumFloor),
      peak_rss_mb: mb(peakBytes),
      idle_rss_mb: idleMemory === undefined ? null : mb(idleMemory.rssBytes),
      gateway_cpu_s: cpu.gateway === undefined ? null : round(cpu.gateway, 1),
      emulator_cpu_s: cpu.emulator === undefined ? null : round(cpu.emulator, 1),
      postgres_cpu_s: cpu.postgres === undefined ? null : round(cpu.postgres, 1),
      goal_requests_met: requestsMet,
      goal_floor_met: floorMet,
      goal_rss_met: rssMet,
      goal_rows_met: rowsMet,
      load_average_before: round(loadBefore, 1),
      load_average_after: round(loadavg()[0] ?? 0, 1),
      total_seconds: round((performance.now() - benchStarted) / 1000, 1),
    })}`,
  );
}

let status = 0;
try {
  await main();
} catch (error) {
  // After the watchdog the run fails only because its clean-up closed what it was using.
  if (!timedOut) process.stderr.write(`bench:directory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (gatewayRef !== undefined) process.stderr.write(`The gateway's last log lines:\n${gatewayRef.logTail().join('\n')}\n`);
  status = 1;
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
process.exit(status);
