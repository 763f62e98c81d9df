/**
 * Delivery faults (issue 3 item 9): per app or for every app, what the platform does wrong on
 * purpose. Decisions are drawn from the emulator's seeded random source, so a run replays.
 */
export type EventFaults = {
  /** Probability that a push is sent a second time with the same event_id. */
  duplicateRate: number;
  /** Hold pushes for `shuffleWindowMs` (emulated) and send them in a random order. */
  shuffle: boolean;
  shuffleWindowMs: number;
  /** Emulated milliseconds added before each first push. */
  delayMs: number;
};

export const NO_FAULTS: EventFaults = Object.freeze({ duplicateRate: 0, shuffle: false, shuffleWindowMs: 200, delayMs: 0 });

export type EventFaultTable = {
  /** Sets the faults of one app, or of every app without its own when `appId` is undefined. */
  set(appId: string | undefined, faults: EventFaults): void;
  /** The faults that apply to `appId`: its own, else the global ones, else none. */
  for(appId: string): EventFaults;
  /** Removes one app's faults, or all of them. */
  clear(appId?: string): void;
  describe(): Record<string, EventFaults>;
};

const GLOBAL = '*';

export function createEventFaultTable(): EventFaultTable {
  const table = new Map<string, EventFaults>();
  return {
    set: (appId, faults) => void table.set(appId ?? GLOBAL, faults),
    for: (appId) => table.get(appId) ?? table.get(GLOBAL) ?? NO_FAULTS,
    clear: (appId) => (appId === undefined ? table.clear() : void table.delete(appId)),
    describe: () => Object.fromEntries(table),
  };
}
