import type { EmulatorState } from '../state/emulator-state.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';

// Keyed by the world (`state.world`): a reset gets fresh counters, and the old ones can be freed.
const limiters = new WeakMap<object, RateLimiter>();

/** The rate-limit counters of one emulator world. */
export function limiterFor(state: EmulatorState): RateLimiter {
  let limiter = limiters.get(state.world);
  if (limiter === undefined) {
    limiter = createRateLimiter();
    limiters.set(state.world, limiter);
  }
  return limiter;
}
