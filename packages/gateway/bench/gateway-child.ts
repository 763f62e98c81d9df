import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { procCpuSeconds, procMemory } from './proc-stats.ts';
import { stopChild } from './stop-child.ts';

export type GatewayChild = {
  readonly pid: number | undefined;
  /** Resolves with the base URL once the gateway logs that it listens; rejects if it exits first. */
  readonly listening: Promise<string>;
  /** Whether the process has ended (by itself or stopped). */
  exited(): boolean;
  /** Log lines per level so far (JSON logs), and the last few lines, for a report or a failure. */
  logLevels(): Readonly<Record<string, number>>;
  logTail(): readonly string[];
  /** The first warnings and errors, as `level: message (error code)`: nothing else of the line, which may carry personal data. */
  notable(): readonly string[];
  cpuSeconds(): number | undefined;
  memory(): ReturnType<typeof procMemory>;
  /** SIGTERM, then SIGKILL after 15 s; safe to call twice. */
  stop(): Promise<void>;
};

const cliPath = new URL('../src/cli.ts', import.meta.url).pathname;
const TAIL_LINES = 20;
const NOTABLE_LINES = 10;

/**
 * Runs `feishu-gateway start` from source in a child process with only the environment given
 * (plus PATH), so its memory and CPU are its own and the machine's variables cannot leak in. Its
 * JSON log is read line by line (a full pipe would block its synchronous logger) and only
 * counted, apart from the last lines.
 */
export function startGatewayChild(env: Record<string, string>): GatewayChild {
  const child = spawn(process.execPath, [cliPath, 'start'], {
    env: { PATH: process.env['PATH'] ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const levels: Record<string, number> = {};
  const tail: string[] = [];
  const notable: string[] = [];
  let announce: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve, reject) => {
    announce = resolve;
    child.once('exit', (code, signal) => reject(new Error(`the gateway exited (${signal ?? code ?? '?'}) before it listened:\n${tail.join('\n')}`)));
  });
  // Nobody may await `listening` when the gateway is stopped on purpose later.
  listening.catch(() => undefined);
  const keep = (text: string) => {
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', (text) => {
    keep(text);
    try {
      const entry = JSON.parse(text) as { level?: string; msg?: string; url?: string; err?: { code?: unknown } };
      levels[entry.level ?? '?'] = (levels[entry.level ?? '?'] ?? 0) + 1;
      if (['warn', 'error', 'fatal'].includes(entry.level ?? '') && notable.length < NOTABLE_LINES) {
        notable.push(`${entry.level ?? '?'}: ${entry.msg ?? '?'}${typeof entry.err?.code === 'string' ? ` (${entry.err.code})` : ''}`);
      }
      if (typeof entry.msg === 'string' && entry.msg.startsWith('Feishu Gateway listening on') && typeof entry.url === 'string') announce(entry.url);
    } catch {
      levels['text'] = (levels['text'] ?? 0) + 1;
    }
  });
  createInterface({ input: child.stderr }).on('line', (text) => {
    keep(text);
    levels['stderr'] = (levels['stderr'] ?? 0) + 1;
  });
  const ended = () => child.exitCode !== null || child.signalCode !== null;

  return {
    pid: child.pid,
    listening,
    exited: ended,
    logLevels: () => ({ ...levels }),
    logTail: () => [...tail],
    notable: () => [...notable],
    cpuSeconds: () => procCpuSeconds(child.pid),
    memory: () => procMemory(child.pid),
    // The gateway gets longer than other children: it lets running jobs finish.
    stop: async () => await stopChild(child, 15_000),
  };
}
