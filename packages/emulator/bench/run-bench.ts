/**
 * The emulator's benchmark (issue 3, "Performance"): GET-user requests/s (goal ≥ 3,000 on one
 * core), event pushes/s to a fast receiver (goal ≥ 1,000), time and memory to generate 100,000
 * users, and (issue 7) the directory listing calls against that org. Loopback only; stops by
 * itself. The last line is `RESULT {json}`.
 *
 *   npm run bench -w packages/emulator            (BENCH_SECONDS=5 by default)
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { benchDirectoryListing } from './bench-directory-listing.ts';
import { benchEventPush } from './bench-event-push.ts';
import type { GenerateResult } from './bench-generate-org.ts';
import { benchGetUserChild, benchGetUserInProcess } from './bench-get-user.ts';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const getUser = { seed: 42, users: 1_000, concurrency: 64, durationMs: seconds * 1000, rateLimitMultiplier: 1_000_000 };
const generateScript = new URL('./bench-generate-org.ts', import.meta.url).pathname;

const line = (text: string) => process.stdout.write(`${text}\n`);
const fixed = (value: number) => value.toLocaleString('en-US');

line(`Feishu emulator benchmark (Node ${process.version}, ${seconds} s per load run, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)} at start)`);
line('Wall-clock rates depend on what else the machine runs; the per-CPU-second figure much less.');

const child = await benchGetUserChild(getUser);
line(`GET user, emulator in a child process (one core): ${fixed(child.perSecond)} req/s (${fixed(child.ok)} ok, ${child.failed} failed, concurrency ${getUser.concurrency})`);
if (child.perCpuSecond !== undefined) line(`  emulator CPU ${child.emulatorCpuSeconds?.toFixed(2)} s over the run: ${fixed(child.perCpuSecond)} req per emulator CPU-second`);
if (child.firstFailure !== undefined) line(`  first failure: ${child.firstFailure}`);

const inProcess = await benchGetUserInProcess(getUser);
line(`GET user, emulator and load generator in one process: ${fixed(inProcess.perSecond)} req/s (${fixed(inProcess.ok)} ok, ${inProcess.failed} failed)`);
if (inProcess.firstFailure !== undefined) line(`  first failure: ${inProcess.firstFailure}`);

const events = await benchEventPush({ seed: 42, inFlight: 64, durationMs: seconds * 1000 });
line(`Event pushes (signed + encrypted) to a receiver answering 200 at once, same process: ${fixed(events.perSecond)} /s (${fixed(events.delivered)} delivered, ${events.failedAttempts} failed attempts)`);

const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', generateScript, '100000', '5000']);
const generated = JSON.parse(stdout) as GenerateResult;
line(`Generate ${fixed(generated.users)} users / ${fixed(generated.departments)} departments: ${fixed(generated.ms)} ms, heap +${generated.heapDeltaMb} MB (heap ${generated.heapUsedMb} MB, RSS ${generated.rssMb} MB)`);

const listing = await benchDirectoryListing({ seed: 42, users: 100_000, departments: 5_000, concurrency: 32, durationMs: seconds * 1000 });
const perCpu = (value: number | undefined) => (value === undefined ? '' : `, ${fixed(value)} per emulator CPU-second`);
line(`Directory listing (100,000 people, 5,000 departments, 50 a page): children ${fixed(listing.children.perSecond)} req/s${perCpu(listing.children.perCpuSecond)}; find_by_department ${fixed(listing.members.perSecond)} req/s${perCpu(listing.members.perCpuSecond)} (${listing.children.failed + listing.members.failed} failed)`);
for (const failure of [listing.children.firstFailure, listing.members.firstFailure]) if (failure !== undefined) line(`  first failure: ${failure}`);

const goals = { get_user_per_s: 3_000, event_push_per_s: 1_000, generate_ms: 10_000, generate_rss_mb: 1_024 };
line(
  `Goals: GET user ≥ ${fixed(goals.get_user_per_s)}/s on one core ${Math.max(child.perSecond, child.perCpuSecond ?? 0) >= goals.get_user_per_s ? 'met' : 'MISSED'}; ` +
    `event pushes ≥ ${fixed(goals.event_push_per_s)}/s ${events.perSecond >= goals.event_push_per_s ? 'met' : 'MISSED'}; ` +
    `100k users < 10 s and < 1 GB ${generated.ms < goals.generate_ms && generated.rssMb < goals.generate_rss_mb ? 'met' : 'MISSED'}`,
);
line(
  `RESULT ${JSON.stringify({
    seconds_per_run: seconds,
    get_user_per_s_one_core: child.perSecond,
    get_user_per_emulator_cpu_s: child.perCpuSecond ?? null,
    get_user_per_s_in_process: inProcess.perSecond,
    get_user_failed: child.failed + inProcess.failed,
    event_push_per_s: events.perSecond,
    event_push_failed: events.failedAttempts,
    generate_users: generated.users,
    generate_departments: generated.departments,
    generate_ms: generated.ms,
    generate_rss_mb: generated.rssMb,
    generate_heap_mb: generated.heapUsedMb,
    generate_heap_delta_mb: generated.heapDeltaMb,
    children_per_s: listing.children.perSecond,
    children_per_emulator_cpu_s: listing.children.perCpuSecond ?? null,
    find_by_department_per_s: listing.members.perSecond,
    find_by_department_per_emulator_cpu_s: listing.members.perCpuSecond ?? null,
    listing_failed: listing.children.failed + listing.members.failed,
    goals,
  })}`,
);
