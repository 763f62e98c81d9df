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

type Timer = { at: number; seq: number; task: () => void; cancelled: boolean };

export function createClock(options: { timeScale?: number; start?: number } = {}): Clock {
  const timeScale = options.timeScale ?? 1;
  const realStart = Date.now();
  const emulatedStart = options.start ?? realStart;
  let offset = 0;
  let seq = 0;
  let timers: Timer[] = [];
  let handle: NodeJS.Timeout | undefined;

  const now = () => Math.floor(emulatedStart + (Date.now() - realStart) * timeScale + offset);

  const runDue = () => {
    const current = now();
    const due = timers.filter((timer) => !timer.cancelled && timer.at <= current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    timers = timers.filter((timer) => !timer.cancelled && timer.at > current);
    for (const timer of due) timer.task();
    schedule();
  };

  // One real timer, aimed at the earliest emulated deadline converted back to real time.
  const schedule = () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
    const next = timers.reduce((earliest, timer) => Math.min(earliest, timer.at), Number.POSITIVE_INFINITY);
    if (next === Number.POSITIVE_INFINITY) return;
    const realDelay = Math.max(0, Math.min((next - now()) / timeScale, 2_147_000_000));
    handle = setTimeout(runDue, realDelay);
    handle.unref();
  };

  return {
    now,
    timeScale,
    at(at, task) {
      const timer: Timer = { at, seq: (seq += 1), task, cancelled: false };
      timers.push(timer);
      schedule();
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
      if (handle !== undefined) clearTimeout(handle);
      timers = [];
    },
  };
}
