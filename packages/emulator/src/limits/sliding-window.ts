/**
 * One rate-limit window as a log of accepted calls (emulated milliseconds). A sliding log rather
 * than fixed buckets so that a burst straddling a second boundary is still caught, and so that the
 * "seconds until reset" it reports is exactly when one more call will be accepted.
 */
export type SlidingWindow = {
  readonly windowMs: number;
  /** Accepted calls in the window ending at `now`. */
  count(now: number): number;
  record(now: number): void;
  /** Milliseconds until the window holds fewer than `limit` calls; 0 when it already does. */
  waitMs(now: number, limit: number): number;
  /** Milliseconds until the oldest counted call leaves the window; 0 when empty. */
  drainMs(now: number): number;
};

export function createSlidingWindow(windowMs: number): SlidingWindow {
  let stamps: number[] = [];
  let head = 0;

  const count = (now: number) => {
    const cutoff = now - windowMs;
    while (head < stamps.length && (stamps[head] ?? 0) <= cutoff) head += 1;
    // Compact now and then so a long-lived window does not keep every call it ever saw.
    if (head > 1024 && head * 2 > stamps.length) {
      stamps = stamps.slice(head);
      head = 0;
    }
    return stamps.length - head;
  };

  return {
    windowMs,
    count,
    record(now) {
      stamps.push(now);
    },
    waitMs(now, limit) {
      const inWindow = count(now);
      if (inWindow < limit) return 0;
      // The (inWindow - limit + 1) oldest calls must leave before there is room again.
      const blocker = stamps[head + inWindow - limit] ?? now;
      return blocker + windowMs - now;
    },
    drainMs(now) {
      if (count(now) === 0) return 0;
      return (stamps[head] ?? now) + windowMs - now;
    },
  };
}
