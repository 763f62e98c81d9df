import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createEmulator } from '../src/index.ts';
import { createEmulatorState } from '../src/state/emulator-state.ts';
import { runLoad, type LoadResult } from './load-loop.ts';

export type GetUserOptions = { seed: number; users: number; concurrency: number; durationMs: number; rateLimitMultiplier: number };

const cliPath = new URL('../src/cli.ts', import.meta.url).pathname;

/** GET-user paths for every user of the org the seed generates (same seed ⇒ same org). */
function userPaths(options: GetUserOptions): string[] {
  const state = createEmulatorState({ seed: options.seed, users: options.users });
  state.clock.stop();
  const tenant = state.tenants.get(state.defaultTenantKey);
  return [...(tenant?.users.keys() ?? [])].map((userId) => `/open-apis/contact/v3/users/${userId}?user_id_type=user_id`);
}

export async function tenantToken(url: string, appId: string, appSecret: string): Promise<string> {
  const response = await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: appId, app_secret: appSecret }),
  });
  const body = (await response.json()) as { tenant_access_token?: string };
  if (body.tenant_access_token === undefined) throw new Error(`no tenant token: ${JSON.stringify(body)}`);
  return body.tenant_access_token;
}

/** The emulator and the load generator share this process (and its one JavaScript thread). */
export async function benchGetUserInProcess(options: GetUserOptions): Promise<LoadResult> {
  const emulator = await createEmulator({ seed: options.seed, users: options.users, rateLimitMultiplier: options.rateLimitMultiplier });
  try {
    const { appId, appSecret } = emulator.defaultApp();
    const token = await tenantToken(emulator.url, appId, appSecret);
    return await runLoad({ url: emulator.url, paths: userPaths(options), token, concurrency: options.concurrency, durationMs: options.durationMs });
  } finally {
    await emulator.close();
  }
}

export type ChildLoadResult = LoadResult & {
  /** CPU seconds the emulator process spent during the run (Linux only), and what that makes per CPU-second. */
  emulatorCpuSeconds: number | undefined;
  perCpuSecond: number | undefined;
};

/**
 * The emulator runs alone in a child process (Node runs its JavaScript on one core), started
 * through the CLI. Its CPU time is read too: on a busy machine the load generator, not the
 * emulator, may set the pace, and requests per emulator CPU-second is then the fairer figure.
 */
export async function benchGetUserChild(options: GetUserOptions): Promise<ChildLoadResult> {
  const child = spawn(
    process.execPath,
    [cliPath, 'start', '--port', '0', '--seed', String(options.seed), '--users', String(options.users), '--rate-limit-multiplier', String(options.rateLimitMultiplier)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const { url, appId, appSecret } = await readBanner(child.stdout);
    const token = await tenantToken(url, appId, appSecret);
    const cpuBefore = cpuSecondsOf(child.pid);
    const result = await runLoad({ url, paths: userPaths(options), token, concurrency: options.concurrency, durationMs: options.durationMs });
    const cpuAfter = cpuSecondsOf(child.pid);
    const emulatorCpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const perCpuSecond = emulatorCpuSeconds === undefined || emulatorCpuSeconds <= 0 ? undefined : Math.round(result.ok / emulatorCpuSeconds);
    return { ...result, emulatorCpuSeconds, perCpuSecond };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

/** Reads the CLI's start-up lines: the URL, then the default app's credentials. */
export async function readBanner(stdout: NodeJS.ReadableStream): Promise<{ url: string; appId: string; appSecret: string }> {
  let url: string | undefined;
  for await (const line of createInterface({ input: stdout })) {
    url ??= /listening on (\S+)/.exec(line)?.[1];
    const appId = /FEISHU_APP_ID=(\S+)/.exec(line)?.[1];
    const appSecret = /FEISHU_APP_SECRET=(\S+)/.exec(line)?.[1];
    if (url !== undefined && appId !== undefined && appSecret !== undefined) return { url, appId, appSecret };
  }
  throw new Error('the emulator exited before printing its URL');
}

/** User + system CPU seconds of a process from /proc (Linux; clock ticks assumed 100/s). */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: state is field 3, utime 14 and stime 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
