/**
 * The shortest time the documented limits allow for `calls` calls of one API × app × tenant:
 * at most `perSecond` calls in any 1 s and `perMinute` in any 60 s (tier 4: 50/s and 1000/min,
 * times the emulator's multiplier).
 *
 * Calls are paced evenly at the per-second cap, each taking a 1/perSecond slot; the run ends
 * when the last slot ends. The per-minute cap adds a wait whenever a minute's `perMinute` calls
 * are spent: the next call may only go 60 s after the first call of that minute. With
 * full = ⌊(calls − 1) / perMinute⌋ spent minutes and rest = calls − full·perMinute calls after
 * them,
 *
 *     ideal = 60·full + rest / perSecond
 *
 * e.g. 2,000 calls at multiplier 4 (200/s, 4,000/min): 2,000 / 200 = 10 s; at multiplier 1
 * (50/s, 1,000/min): 1,000 calls in 20 s, a wait until 60 s, 1,000 more in 20 s = 80 s.
 *
 * Even pacing is the sustainable ceiling. A client that bursts a full window at the very start
 * can finish up to one slot-window sooner (its first second's calls all leave at t = 0), so a
 * short run may show slightly more than 100 %.
 */
export function idealSeconds(calls: number, perSecond: number, perMinute: number): number {
  if (calls <= 0) return 0;
  // A minute cap of at least 60 × the second cap never binds.
  if (perMinute >= 60 * perSecond) return calls / perSecond;
  const full = Math.floor((calls - 1) / perMinute);
  const rest = calls - full * perMinute;
  return 60 * full + rest / perSecond;
}
