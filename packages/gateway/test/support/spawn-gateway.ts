import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;

export type GatewayProcess = {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`, or rejects when the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (signals count as failure: 128 + n). */
  exited(): Promise<number>;
};

/**
 * Runs `feishu-gateway` from source in a child process, with only the environment given (plus
 * PATH), so the machine's own variables cannot leak into a test.
 */
export function spawnGateway(args: readonly string[], env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env['PATH'] ?? '', LOG_FORMAT: 'json', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? 128 + (signal === 'SIGKILL' ? 9 : 15));

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    async waitForLine(pattern, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = out.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}) before printing ${pattern}:\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`gateway did not print ${pattern} in time:\n${out}\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Waits for the "listening" line and returns the base URL and the installation id it names. */
export async function waitUntilListening(gateway: GatewayProcess): Promise<{ url: string; installationId: string }> {
  const line = JSON.parse(await gateway.waitForLine(/Feishu Gateway listening on/)) as { url: string; installationId: string };
  return { url: line.url, installationId: line.installationId };
}
