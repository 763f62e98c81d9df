import type { MiddlewareHandler } from 'hono';
import type { EmulatorState } from '../state/emulator-state.ts';

/** Injected faults: error rates, added latency, per app or global, reproducible with the seed. */
export function faultMiddleware(_state: EmulatorState): MiddlewareHandler {
  return async (_c, next) => {
    await next();
  };
}
