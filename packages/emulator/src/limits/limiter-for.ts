import type { EmulatorState } from '../state/emulator-state.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';

// Keyed by the token store because `POST /_emulator/reset` replaces the fields of `state` in
// place: a new world gets a new token store and so fresh counters, and the old ones can be freed.
const limiters = new WeakMap<object, RateLimiter>();

/** The rate-limit counters of one emulator world. */
export function limiterFor(state: EmulatorState): RateLimiter {
  let limiter = limiters.get(state.tokens);
  if (limiter === undefined) {
    limiter = createRateLimiter();
    limiters.set(state.tokens, limiter);
  }
  return limiter;
}
