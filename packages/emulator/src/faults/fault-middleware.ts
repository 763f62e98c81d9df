import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, MiddlewareHandler } from 'hono';
import { namedApp, tokenCaller } from '../limits/token-caller.ts';
import { errorResponse } from '../errors/error-response.ts';
import { FeishuError } from '../errors/feishu-error.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { FaultRule } from './fault-rule.ts';
import { faultsFor } from './fault-store.ts';

/**
 * Injected faults (`POST /_emulator/faults`): error rates, added latency, per app or global,
 * drawn from a generator seeded by the emulator seed so a run can be reproduced. Runs before the
 * rate limiter: a call failed here is not counted.
 */
export function faultMiddleware(state: EmulatorState): MiddlewareHandler {
  return async (c, next) => {
    const store = faultsFor(state);
    const candidates = store.candidates(c.req.method, c.req.path);
    if (candidates.length === 0) return next();
    const appId = candidates.some((rule) => rule.appId !== undefined) ? await callingApp(state, c) : undefined;
    const { latencyMs, failure } = store.decide(candidates, appId);
    // Latency is wall-clock: it is what the client waits, whatever the emulated time scale.
    // Unreferenced: an injected delay must not keep a closed emulator's process alive.
    if (latencyMs > 0) await sleep(latencyMs, undefined, { ref: false });
    if (failure === undefined) return next();
    return fail(state, c, failure);
  };
}

/** The app a call belongs to: its bearer token's, or the one a token/OAuth endpoint names. */
async function callingApp(state: EmulatorState, c: Context): Promise<string | undefined> {
  const fromToken = tokenCaller(state, c)?.appId;
  if (fromToken !== undefined) return fromToken;
  const path = c.req.path;
  if (path.startsWith('/open-apis/auth/') || path.startsWith('/open-apis/authen/')) return namedApp(state, c);
  return undefined;
}

const KNOWN_MESSAGES: Readonly<Record<number, string>> = {
  2200: 'Internal Error',
  5000: 'Internal Error',
  9499: 'Bad Request',
  99991400: 'request trigger frequency limit',
  99991663: 'Invalid access token for authorization. Please make a request with token attached.',
  99991672: 'Access denied. The app lacks the required scope.',
  230020: 'The operation triggers the frequency limit.',
  11232: 'create message service trigger rate limit',
};

function fail(state: EmulatorState, c: Context, rule: FaultRule): Response {
  const status = rule.status ?? 400;
  // Without a code: 429 is the gateway's throttle, 5xx Feishu's generic internal error (retryable).
  const code = rule.code ?? (status === 429 ? 99991400 : status >= 500 ? 2200 : 9499);
  const msg = rule.msg ?? KNOWN_MESSAGES[code] ?? `injected fault ${rule.id}`;
  if (status === 429 || code === 99991400) {
    // The same pair of headers a real throttle carries (the tier-4 per-second window).
    c.header('x-ogw-ratelimit-limit', '50');
    c.header('x-ogw-ratelimit-reset', '1');
  }
  return errorResponse(c, new FeishuError(status, code, msg), c.res.headers.get('x-tt-logid') ?? state.logId());
}
