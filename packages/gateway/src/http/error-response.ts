import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Turns any error into the gateway's JSON error response `{"error":{"code","message"}}`.
 * Unexpected errors are logged here, once, with the request id, and answered with a generic
 * 500: neither a stack trace nor a driver's message ever reaches a client.
 */
export function errorResponse(c: Context<AppEnv>, error: unknown): Response {
  const known = isGatewayError(error) ? error : undefined;
  const status = (known?.status ?? 500) as ContentfulStatusCode;
  if (known === undefined || status >= 500) {
    c.get('logger').error({ err: error }, 'request failed');
  }
  const safe = known !== undefined && status < 500 ? known : new GatewayError(known?.code ?? 'internal.unexpected', publicMessageFor(status));
  return c.json({ error: { code: safe.code, message: safe.message } }, status);
}

function publicMessageFor(status: number): string {
  return status === 503 ? 'Service temporarily unavailable; retry later.' : 'Internal error; the request id identifies it in the gateway log.';
}
