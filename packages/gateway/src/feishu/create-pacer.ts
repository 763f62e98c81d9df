/**
 * Spaces the calls of one process on each budget evenly: a budget of `points` per `seconds`
 * hands out one start time every `seconds / points` (stretched by `stretch`), in order. Fixed
 * windows alone would let a whole window's calls go out at its start; against a limiter that
 * slides (Feishu's algorithm is unpublished; the emulator's slides), the tail of one burst and the
 * head of the next then meet in one sliding second and draw 429s. Evenly spaced calls never do,
 * and the shared counters still cap every instance together.
 */
export type Pacer = {
  /**
   * Reserves the next start time of each key (epoch ms) and returns the latest of them; when that
   * would be after `deadline`, reserves nothing (the call will not be made) and returns it anyway.
   */
  reserve(slots: readonly { readonly key: string; readonly intervalMs: number }[], now: number, deadline: number): number;
};

export function createPacer(): Pacer {
  const next = new Map<string, number>();
  return {
    reserve(slots, now, deadline) {
      const latest = Math.max(now, ...slots.map(({ key }) => next.get(key) ?? 0));
      if (latest > deadline) return latest;
      // All of a call's budgets start it at once, so each is next free one interval after that.
      for (const { key, intervalMs } of slots) next.set(key, latest + intervalMs);
      // Forget keys whose reservations are all in the past, so the map stays as small as the set of busy budgets.
      if (next.size > 1024) for (const [key, at] of next) if (at <= now) next.delete(key);
      return latest;
    },
  };
}
