import type { EmulatorState } from '../state/emulator-state.ts';

/** Open API calls counted per app and API, refused ones apart: what a client really sent. */
export type ApiCalls = {
  count(appId: string, api: string, refused: boolean): void;
  list(): { app_id: string; api: string; calls: number; refused: number }[];
  clear(): number;
};

// Keyed by the world (`state.world`), like the rate-limit counters: a reset starts afresh.
const counters = new WeakMap<object, ApiCalls>();

/** The call counters of one emulator world (`GET /_emulator/api-calls`). */
export function apiCallsFor(state: EmulatorState): ApiCalls {
  let calls = counters.get(state.world);
  if (calls === undefined) {
    const byKey = new Map<string, { app_id: string; api: string; calls: number; refused: number }>();
    calls = {
      count(appId, api, refused) {
        const key = `${appId}\u0000${api}`;
        let entry = byKey.get(key);
        if (entry === undefined) {
          entry = { app_id: appId, api, calls: 0, refused: 0 };
          byKey.set(key, entry);
        }
        entry.calls += 1;
        if (refused) entry.refused += 1;
      },
      list: () => [...byKey.values()].map((entry) => ({ ...entry })),
      clear() {
        const cleared = byKey.size;
        byKey.clear();
        return cleared;
      },
    };
    counters.set(state.world, calls);
  }
  return calls;
}
