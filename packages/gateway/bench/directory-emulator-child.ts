import { spawn, type ChildProcess } from 'node:child_process';
import type { DirectoryShape } from './directory-shape.ts';
import { procCpuSeconds } from './proc-stats.ts';
import { stopChild } from './stop-child.ts';

/** What the child sends once it listens. */
export type DirectoryEmulatorReady = {
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly encryptKey: string;
  readonly verificationToken: string;
  /** How long building the tenant and starting took. */
  readonly buildSeconds: number;
  readonly shape: DirectoryShape;
};

export type DirectoryEmulator = DirectoryEmulatorReady & {
  /** User + system CPU seconds the child has used so far (Linux /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  /** Stops the child (SIGTERM, then SIGKILL if it lingers); safe to call twice. */
  stop(): Promise<void>;
};

const entry = new URL('./directory-emulator.ts', import.meta.url).pathname;

/**
 * Starts an emulator with a generated tenant of `users` people in `departments` departments in a
 * child process on a free loopback port, so that serving (and its CPU) never shares an event loop
 * with anything measured. Resolves once it listens, with the shape of the tenant as built.
 */
export async function startDirectoryEmulator(options: {
  seed: number;
  users: number;
  departments: number;
  multiplier: number;
  maxRecursiveDepartments: number | undefined;
}): Promise<DirectoryEmulator> {
  const args = ['--seed', String(options.seed), '--users', String(options.users), '--departments', String(options.departments), '--multiplier', String(options.multiplier)];
  if (options.maxRecursiveDepartments !== undefined) args.push('--max-recursive-departments', String(options.maxRecursiveDepartments));
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = () => stopChild(child);
  try {
    const ready = await firstMessage(child);
    return { ...ready, cpuSeconds: () => procCpuSeconds(child.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstMessage(child: ChildProcess): Promise<DirectoryEmulatorReady> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: DirectoryEmulatorReady) => {
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`the emulator exited before it listened (${signal ?? code ?? '?'})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
