export type LatencySummary = { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };

/**
 * p50, p99 (nearest rank), max and mean of latencies in milliseconds, rounded to 0.1 ms; all 0
 * for an empty list.
 */
export function latencySummary(latenciesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  if (sorted.length === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const round = (value: number) => Math.round(value * 10) / 10;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { p50: round(rank(50)), p99: round(rank(99)), max: round(sorted[sorted.length - 1] ?? 0), mean: round(sum / sorted.length) };
}
