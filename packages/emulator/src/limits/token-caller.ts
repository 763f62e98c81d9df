import type { Context } from 'hono';
import { bearerToken } from '../http/bearer-token.ts';
import { tryReadJson } from '../http/read-json.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { TokenRecord } from '../tokens/token-store.ts';

/**
 * The valid token record behind a call's `Authorization: Bearer …`, or undefined. Middlewares use
 * it to attribute a call to an app and tenant without judging it: a missing or bad token is left
 * for the route to refuse with the documented code.
 */
export function tokenCaller(state: EmulatorState, c: Context): TokenRecord | undefined {
  const token = bearerToken(c);
  if (token === undefined) return undefined;
  const found = state.tokens.lookup(token);
  return 'record' in found ? found.record : undefined;
}

/**
 * The app an OAuth or token-endpoint call names in its query (`client_id`/`app_id`) or JSON body
 * (`client_id`/`app_id`), when that app exists. Reading the body here is safe: Hono caches it for
 * the route.
 */
export async function namedApp(state: EmulatorState, c: Context): Promise<string | undefined> {
  const fromQuery = c.req.query('client_id') ?? c.req.query('app_id');
  if (fromQuery !== undefined) return state.apps.has(fromQuery) ? fromQuery : undefined;
  if (c.req.method === 'GET') return undefined;
  const body = await jsonBody(c);
  const named = body['client_id'] ?? body['app_id'];
  return typeof named === 'string' && state.apps.has(named) ? named : undefined;
}

/** The request's JSON object body, or `{}` when absent or malformed (the route reports that). */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const read = await tryReadJson(c);
  return 'body' in read ? read.body : {};
}
