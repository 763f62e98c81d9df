/**
 * Capped exponential backoff with full jitter: a random delay in [0, min(cap, base · 2^attempt)),
 * so clients that failed together do not retry together.
 * See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/.
 *
 * @example
 * backoffDelay(2, { baseMs: 200, capMs: 5_000 }, Math.random) // somewhere in [0, 800)
 */
export function backoffDelay(attempt: number, options: { baseMs: number; capMs: number }, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
