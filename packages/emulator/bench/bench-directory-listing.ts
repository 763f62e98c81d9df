import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createEmulatorState } from '../src/state/emulator-state.ts';
import { cpuSecondsOf, readBanner, tenantToken } from './bench-get-user.ts';
import { runLoad, type LoadResult } from './load-loop.ts';

export type ListingOptions = { seed: number; users: number; departments: number; concurrency: number; durationMs: number };
export type ListingResult = LoadResult & { perCpuSecond: number | undefined };

const cliPath = new URL('../src/cli.ts', import.meta.url).pathname;

/**
 * The two listing calls a directory sync (issue 7) makes most, against the benchmark org of
 * 100,000 people in 5,000 departments, with the emulator alone in a child process and no rate
 * limits: `departments/:id/children` and `users/find_by_department`, 50 a page, cycling through
 * every department (so pages are as large as the org makes them: about 1 KB of JSON per person).
 */
export async function benchDirectoryListing(options: ListingOptions): Promise<{ children: ListingResult; members: ListingResult }> {
  const state = createEmulatorState({ seed: options.seed, users: options.users, departments: options.departments });
  state.clock.stop();
  const departmentIds = [...(state.tenants.get(state.defaultTenantKey)?.departments.keys() ?? [])];
  const child = spawn(
    process.execPath,
    [cliPath, 'start', '--port', '0', '--seed', String(options.seed), '--users', String(options.users), '--departments', String(options.departments), '--rate-limit-multiplier', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const { url, appId, appSecret } = await readBanner(child.stdout);
    const token = await tenantToken(url, appId, appSecret);
    const measure = async (paths: string[]): Promise<ListingResult> => {
      const before = cpuSecondsOf(child.pid);
      const result = await runLoad({ url, paths, token, concurrency: options.concurrency, durationMs: options.durationMs });
      const after = cpuSecondsOf(child.pid);
      const cpu = before === undefined || after === undefined ? undefined : after - before;
      return { ...result, perCpuSecond: cpu === undefined || cpu <= 0 ? undefined : Math.round(result.ok / cpu) };
    };
    const children = await measure(departmentIds.map((id) => `/open-apis/contact/v3/departments/${id}/children?page_size=50`));
    const members = await measure(departmentIds.map((id) => `/open-apis/contact/v3/users/find_by_department?department_id=${id}&page_size=50`));
    return { children, members };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
