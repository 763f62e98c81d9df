import { spawn, type ChildProcess } from 'node:child_process';
import type { LatencySummary } from './latency-summary.ts';
import { stopChild } from './stop-child.ts';

/** Where the load goes and how a push is built and judged. */
export type LoadTarget = {
  readonly url: string;
  readonly encryptKey: string;
  readonly verificationToken: string;
  readonly appId: string;
  readonly eventType: string;
  /** The exact answer body of an acknowledgement (with status 200); anything else is a failure. */
  readonly ackBody: string;
};

/** One measured phase: `closed` keeps `concurrency` requests in flight; `paced` sends on a schedule whatever the answers. */
export type LoadPhase = { readonly name: string; readonly events: number; readonly idPrefix: string } & (
  | { readonly mode: 'closed'; readonly concurrency: number }
  | { readonly mode: 'paced'; readonly perSecond: number }
);

export type PhaseResult = {
  readonly name: string;
  readonly sent: number;
  readonly acked: number;
  readonly seconds: number;
  readonly acksPerSecond: number;
  /** Closed: send → answer. Paced: scheduled send → answer, so a stall also counts for the requests it delays. */
  readonly latencyMs: LatencySummary;
  /** Paced only: how late the generator itself put requests on the wire (its own lag, not the target's). */
  readonly sendLagMs: LatencySummary | undefined;
  readonly failures: Readonly<Record<string, number>>;
  readonly ackedIds: readonly string[];
  /** CPU the generator used during the phase (request building excluded). */
  readonly cpuSeconds: number;
  readonly buildMs: number;
};

export type ChildRequest = { readonly target: LoadTarget; readonly phase: LoadPhase };
export type ChildAnswer = { readonly result: PhaseResult } | { readonly error: string };

export type LoadGeneratorChild = {
  run(target: LoadTarget, phase: LoadPhase): Promise<PhaseResult>;
  /** Safe to call twice. */
  stop(): Promise<void>;
};

const entry = new URL('./load-generator.ts', import.meta.url).pathname;

/**
 * Starts the load generator in a child process, so that building, sending and timing requests
 * never shares an event loop with the server being measured. Phases run one at a time.
 */
export function startLoadGeneratorChild(): LoadGeneratorChild {
  const child = spawn(process.execPath, [entry], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(target, phase) {
      const next = queue.then(() => exchange(child, { target, phase }));
      queue = next.catch(() => undefined);
      return next;
    },
    async stop() {
      await stopChild(child);
    },
  };
}

function exchange(child: ChildProcess, request: ChildRequest): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: ChildAnswer) => {
      cleanup();
      if ('result' in answer) resolve(answer.result);
      else reject(new Error(`load generator: ${answer.error}`));
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`the load generator exited (${signal ?? code ?? '?'})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(request);
  });
}
