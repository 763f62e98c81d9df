import type { Hono } from 'hono';
import type { AppEnv } from '../http/index.ts';
import { authenticateApiKey } from './api-key-auth.ts';
import type { ApiKeys } from './create-api-keys.ts';

/** Where every `/api/v1` route lives. */
export const API_PREFIX = '/api/v1';

/**
 * The API for internal systems: API-key authentication on every `/api/v1` path, then each
 * capability's routes (each guarding itself with `requireScope`). Give the result to
 * `createHttpApp`'s `routes`.
 *
 * @example
 * routes: [addApiRoutes({ apiKeys, routes: [addEventsApiRoutes({ … })] })]
 */
export function addApiRoutes(deps: { apiKeys: ApiKeys; routes: readonly ((app: Hono<AppEnv>) => void)[] }): (app: Hono<AppEnv>) => void {
  return (app) => {
    app.use(`${API_PREFIX}/*`, authenticateApiKey(deps.apiKeys));
    for (const addRoutes of deps.routes) addRoutes(app);
  };
}
