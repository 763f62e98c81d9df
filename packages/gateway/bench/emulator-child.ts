import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { stopChild } from './stop-child.ts';

export type EmulatorChild = {
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  /** User + system CPU seconds the child has used so far (Linux /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  /** Stops the child (SIGTERM, then SIGKILL if it lingers); safe to call twice. */
  stop(): Promise<void>;
};

const cliPath = new URL('../../emulator/src/cli.ts', import.meta.url).pathname;

/**
 * Starts the emulator through its CLI in a child process on a free loopback port, so that it
 * never shares an event loop (or a core) with the client being measured.
 */
export async function startEmulatorChild(options: { seed: number; users: number; multiplier: number }): Promise<EmulatorChild> {
  const child = spawn(
    process.execPath,
    [cliPath, 'start', '--host', '127.0.0.1', '--port', '0', '--seed', String(options.seed), '--users', String(options.users), '--rate-limit-multiplier', String(options.multiplier)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () => stopChild(child);
  try {
    const banner = await readBanner(child);
    return { ...banner, cpuSeconds: () => cpuSecondsOf(child.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads the CLI's start-up lines: the URL, then the default app's credentials. */
async function readBanner(child: ChildProcess): Promise<{ url: string; appId: string; appSecret: string }> {
  if (child.stdout === null) throw new Error('the emulator child has no stdout');
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    url ??= /listening on (\S+)/.exec(line)?.[1];
    const appId = /FEISHU_APP_ID=(\S+)/.exec(line)?.[1];
    const appSecret = /FEISHU_APP_SECRET=(\S+)/.exec(line)?.[1];
    if (url !== undefined && appId !== undefined && appSecret !== undefined) {
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout.resume();
      return { url, appId, appSecret };
    }
  }
  throw new Error('the emulator exited before printing its URL');
}


/** User + system CPU seconds of a process from /proc (Linux; clock ticks assumed 100/s). */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: state is field 3, utime 14 and stime 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
