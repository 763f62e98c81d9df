import type { Context, MiddlewareHandler } from 'hono';
import { commonErrors } from '../errors/common-errors.ts';
import { errorResponse } from '../errors/error-response.ts';
import { hookErrors } from '../open-apis/im/hook-errors.ts';
import { imErrors } from '../open-apis/im/im-errors.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { apiCallsFor } from './api-calls-for.ts';
import { classifyRequest } from './classify-request.ts';
import { limitChecks } from './limit-checks.ts';
import { limiterFor } from './limiter-for.ts';
import type { Refusal } from './rate-limiter.ts';

/**
 * Per API × app × tenant rate limits (platform doc §10). Windows run on emulated time, so
 * `POST /_emulator/clock/advance` empties them; `rateLimitMultiplier` scales every cap.
 * Over a cap: HTTP 429, `x-ogw-ratelimit-limit` / `x-ogw-ratelimit-reset`, code 99991400;
 * IM's per-user/chat/message caps answer 230020 (HTTP 400); custom bots answer 11232 (HTTP 200).
 */
export function rateLimitMiddleware(state: EmulatorState): MiddlewareHandler {
  return async (c, next) => {
    const classified = classifyRequest(c.req.method, c.req.path);
    if (classified === undefined) return next();
    const checks = await limitChecks(state, c, classified);
    if (checks.length === 0) return next();
    const refusal = limiterFor(state).attempt(checks, state.clock.now(), state.options.rateLimitMultiplier);
    // Counted by the app the token names (the first check is always the app's, when there is one).
    const appId = checks.find((check) => check.appId !== undefined)?.appId;
    if (appId !== undefined) apiCallsFor(state).count(appId, classified.policy.api, refusal !== undefined);
    if (refusal === undefined) return next();
    return refuse(state, c, refusal);
  };
}

function refuse(state: EmulatorState, c: Context, refusal: Refusal): Response {
  const logId = c.res.headers.get('x-tt-logid') ?? state.logId();
  switch (refusal.check.refusal) {
    case 'hook':
      // Custom bots answer HTTP 200 with a code, like their other failures (§7.4).
      return errorResponse(c, hookErrors.rateLimited(), logId);
    case 'im':
      return errorResponse(c, imErrors.rateLimited(), logId);
    case 'gateway':
      c.header('x-ogw-ratelimit-limit', String(refusal.limit));
      c.header('x-ogw-ratelimit-reset', String(refusal.resetSeconds));
      return errorResponse(c, commonErrors.rateLimited(), logId);
  }
}
