import type { EmulatorState } from '../state/emulator-state.ts';
import { createRandom, type Random } from '../state/random.ts';
import { pathMatcher, type FaultRule, type FaultRuleInput } from './fault-rule.ts';

/** What to do to one call: wait, then maybe fail as `failure` says. */
export type FaultDecision = { readonly latencyMs: number; readonly failure: FaultRule | undefined };

export type FaultStore = {
  add(input: FaultRuleInput): FaultRule;
  list(): readonly FaultRule[];
  remove(id: string): boolean;
  /** Removes every rule and restarts the random sequence, so a run can be repeated exactly. */
  clear(): number;
  /** Rules that could apply to a call, before the app is known (to skip work on the hot path). */
  candidates(method: string, path: string): FaultRule[];
  /** Draws, for each candidate that applies to `appId`, whether it fires; consumes `count`s. */
  decide(candidates: readonly FaultRule[], appId: string | undefined): FaultDecision;
};

// A fixed salt keeps fault draws apart from the organisation generator's sequence while still
// following the emulator seed: same seed and same calls ⇒ same faults.
const FAULT_SEED_SALT = 0x5eed_fa17;

const stores = new WeakMap<object, FaultStore>();

/** The fault rules of one emulator world (a reset starts a new, empty set). */
export function faultsFor(state: EmulatorState): FaultStore {
  let store = stores.get(state.world);
  if (store === undefined) {
    store = createFaultStore(state.options.seed);
    stores.set(state.world, store);
  }
  return store;
}

export function createFaultStore(seed: number): FaultStore {
  let rules: FaultRule[] = [];
  let random: Random = createRandom((seed ^ FAULT_SEED_SALT) >>> 0);
  let nextId = 1;

  return {
    add(input) {
      const rule: FaultRule = { ...input, id: `flt_${nextId}`, remaining: input.count, matched: 0, fired: 0, matchesPath: pathMatcher(input.path) };
      nextId += 1;
      rules.push(rule);
      return rule;
    },
    list: () => rules,
    remove(id) {
      const before = rules.length;
      rules = rules.filter((rule) => rule.id !== id);
      return rules.length < before;
    },
    clear() {
      const removed = rules.length;
      rules = [];
      random = createRandom((seed ^ FAULT_SEED_SALT) >>> 0);
      return removed;
    },
    candidates(method, path) {
      if (rules.length === 0) return [];
      return rules.filter((rule) => rule.remaining !== 0 && (rule.method === undefined || rule.method === method) && rule.matchesPath(path));
    },
    decide(candidates, appId) {
      let latencyMs = 0;
      let failure: FaultRule | undefined;
      for (const rule of candidates) {
        if (rule.appId !== undefined && rule.appId !== appId) continue;
        if (rule.remaining === 0) continue;
        rule.matched += 1;
        if (rule.remaining !== undefined) rule.remaining -= 1;
        // Draw on every match whatever the rate, so the sequence depends only on which calls matched.
        if (!(random.next() < rule.rate)) continue;
        rule.fired += 1;
        latencyMs += rule.latencyMs;
        if (failure === undefined && (rule.status !== undefined || rule.code !== undefined)) failure = rule;
      }
      return { latencyMs, failure };
    },
  };
}
