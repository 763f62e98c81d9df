import { createTimerHeap, type Timer } from './timer-heap.ts';

/**
 * The emulator's clock. Emulated time runs `timeScale` times faster than real time and can be
 * advanced at will (`POST /_emulator/clock/advance`), so hour-long rules (token lifetimes, the
 * hourly app_ticket, retries at 15 s / 5 min / 1 h / 6 h) can be exercised in a test.
 * Timers fire by emulated time.
 */
export type Clock = {
  /** Emulated milliseconds since the epoch. */
  now(): number;
  /** Runs `task` once emulated time reaches `at`. */
  at(at: number, task: () => void): { cancel(): void };
  /** Moves emulated time forward by `ms` and runs every task that became due, in order. */
  advance(ms: number): void;
  readonly timeScale: number;
  stop(): void;
};

export function createClock(options: { timeScale?: number; start?: number; onError?: (error: unknown) => void } = {}): Clock {
  const timeScale = options.timeScale ?? 1;
  const realStart = Date.now();
  const emulatedStart = options.start ?? realStart;
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`feishu-emulator: timer task failed: ${String(error)}\n`));
  const timers = createTimerHeap();
  let offset = 0;
  let seq = 0;
  let handle: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let stopped = false;

  const now = () => Math.floor(emulatedStart + (Date.now() - realStart) * timeScale + offset);

  const runDue = () => {
    armedFor = Number.POSITIVE_INFINITY;
    handle = undefined;
    for (let next = timers.peek(); next !== undefined && (next.cancelled || next.at <= now()); next = timers.peek()) {
      timers.pop();
      if (next.cancelled) continue;
      // One failing task must neither drop the others nor, from a bare timer, crash the process.
      try {
        next.task();
      } catch (error) {
        onError(error);
      }
    }
    arm();
  };

  // One real timer, aimed at the earliest emulated deadline converted back to real time; it is
  // re-aimed only when an earlier deadline arrives.
  const arm = () => {
    if (stopped) return;
    const next = timers.peek();
    if (next === undefined || next.at >= armedFor) return;
    if (handle !== undefined) clearTimeout(handle);
    armedFor = next.at;
    const realDelay = Math.max(0, Math.min((next.at - now()) / timeScale, 2_147_000_000));
    handle = setTimeout(runDue, realDelay);
    handle.unref();
  };

  return {
    now,
    timeScale,
    at(at, task) {
      const timer: Timer = { at, seq: (seq += 1), task, cancelled: false };
      timers.push(timer);
      arm();
      return {
        cancel: () => {
          timer.cancelled = true;
        },
      };
    },
    advance(ms) {
      offset += ms;
      runDue();
    },
    stop() {
      stopped = true;
      if (handle !== undefined) clearTimeout(handle);
      timers.clear();
    },
  };
}
