/** A turn granted by `TurnGates.take`; `end` lets the next caller in (calling it twice is harmless). */
export type Turn = { readonly key: string; end(): void };

export type TurnGates = {
  /** True while callers of this process queue for `key` or one of them is taking its turn. */
  busy(key: string): boolean;
  /** When the gate of `key` opens (epoch ms); 0 when there is no gate. */
  opensAt(key: string): number;
  /**
   * Queues for a turn at `key`. Turns are granted one at a time, first come first served, from
   * `notBefore` on (which also keeps everyone behind waiting until then); `front` puts a caller
   * back at the head, for one whose turn just found the budget still full. Resolves with
   * `undefined` if `deadline` comes first. The entry is made synchronously, before the promise
   * settles.
   */
  take(key: string, options: { readonly notBefore: number; readonly deadline: number; readonly front: boolean }): Promise<Turn | undefined>;
};

type Waiter = { grant(turn: Turn | undefined): void; timer: NodeJS.Timeout };
type Gate = { opensAt: number; queue: Waiter[]; taken: boolean; timer: NodeJS.Timeout | undefined };

// setTimeout overflows past 2^31-1 ms and then fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Per-process queues in front of full rate budgets. When a budget is full, the callers of this
 * process wait here, and at the moment it should have room they retry it one at a time instead of
 * all at once: a thousand queued sends then cost the shared store one query per free slot, not a
 * thousand at every window boundary. A gate exists only while someone waits at it.
 */
export function createTurnGates(): TurnGates {
  const gates = new Map<string, Gate>();

  const pump = (key: string, gate: Gate): void => {
    if (gate.taken) return;
    if (gate.queue.length === 0) {
      clearTimeout(gate.timer);
      gates.delete(key);
      return;
    }
    const wait = gate.opensAt - Date.now();
    if (wait > 0) {
      gate.timer ??= setTimeout(() => {
        gate.timer = undefined;
        pump(key, gate);
      }, Math.min(wait, MAX_TIMER_MS));
      return;
    }
    const waiter = gate.queue.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    gate.taken = true;
    let ended = false;
    waiter.grant({
      key,
      end() {
        if (ended) return;
        ended = true;
        gate.taken = false;
        pump(key, gate);
      },
    });
  };

  return {
    busy: (key) => gates.has(key),
    opensAt: (key) => gates.get(key)?.opensAt ?? 0,
    take(key, { notBefore, deadline, front }) {
      let gate = gates.get(key);
      if (gate === undefined) {
        gate = { opensAt: 0, queue: [], taken: false, timer: undefined };
        gates.set(key, gate);
      }
      const current = gate;
      current.opensAt = Math.max(current.opensAt, notBefore);
      // A later opening time leaves a timer set for an earlier one; it fires, finds the gate
      // still closed and sets another.
      return new Promise<Turn | undefined>((resolve) => {
        const waiter: Waiter = {
          grant: resolve,
          timer: setTimeout(() => {
            const index = current.queue.indexOf(waiter);
            if (index >= 0) current.queue.splice(index, 1);
            resolve(undefined);
            pump(key, current);
          }, Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMER_MS)),
        };
        if (front) current.queue.unshift(waiter);
        else current.queue.push(waiter);
        pump(key, current);
      });
    },
  };
}
