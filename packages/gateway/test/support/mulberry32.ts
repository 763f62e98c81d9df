/**
 * mulberry32: a tiny, well-known seeded PRNG returning numbers in [0, 1); plenty for choosing test
 * inputs, and a failing seed replays the same run.
 *
 * @example
 * const random = mulberry32(20261122);
 * const coin = random() < 0.5;
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
