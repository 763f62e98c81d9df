export type BackoffPolicy = {
  /** The delay after the first failed attempt. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly capMs: number;
};

/**
 * The wait before the next attempt after `attempts` failed ones: doubling from `baseMs`, capped
 * at `capMs`, and jittered down by up to a quarter so that deliveries that failed together
 * (a receiver outage) do not all come back at the same instant.
 *
 * @example
 * backoffDelayMs(3, { baseMs: 5_000, capMs: 3_600_000 }); // 15–20 s
 */
export function backoffDelayMs(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling * (0.75 + 0.25 * random()));
}
