import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors/index.ts';
import type { AppEnv } from '../http/index.ts';
import type { ApiKeyScope } from './api-key-scopes.ts';
import type { ApiKey, ApiKeys } from './create-api-keys.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified API key of an `/api/v1` request (set by `authenticateApiKey`). */
    apiKey: ApiKey;
  }
}

// RFC 6750 §2.1: the scheme is case-insensitive; the token is one run of token68 characters.
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * Requires `Authorization: Bearer <key>` with a live API key: anything else is 401
 * `api.unauthorized`, whatever the path, so an unauthenticated caller learns nothing about which
 * routes exist. Mounted once, on `/api/v1/*`, before every API route.
 */
export function authenticateApiKey(apiKeys: ApiKeys): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const apiKey = presented === undefined ? undefined : await apiKeys.verify(presented);
    if (apiKey === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="feishu-gateway"');
      throw new GatewayError('api.unauthorized', presented === undefined ? 'Send an API key as "Authorization: Bearer <key>".' : 'The API key is unknown or revoked.');
    }
    c.set('apiKey', apiKey);
    await next();
  };
}

/**
 * The scope a route needs, checked against the key `authenticateApiKey` verified: 403
 * `api.forbidden` when the key lacks it.
 *
 * @example
 * app.get('/api/v1/events', requireScope('events:read'), async (c) => …);
 */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const apiKey = c.get('apiKey') as ApiKey | undefined;
    // A route mounted outside the authenticated prefix would otherwise be open: fail closed.
    if (apiKey === undefined) throw new GatewayError('api.unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    if (!apiKey.scopes.includes(scope)) throw new GatewayError('api.forbidden', `This API key lacks the scope "${scope}".`);
    await next();
  };
}
