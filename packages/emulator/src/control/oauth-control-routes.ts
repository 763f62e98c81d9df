import type { Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { readJson } from '../http/read-json.ts';
import { stringField } from '../http/string-field.ts';
import { revokeUserGrants } from '../open-apis/authen/revoke-user-grants.ts';
import { oauthStoreOf } from '../open-apis/authen/oauth-store.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { findUserByAnyId } from '../state/find-user-by-any-id.ts';
import { openIdOf, type UserIdFamily } from '../state/ids.ts';
import type { App, Tenant, User } from '../state/types.ts';

/**
 * Control calls for OAuth tests:
 * - `POST /_emulator/oauth/next-login` pre-selects who signs in (or `"deny": true`) on the next
 *   authorize request of `app_id` (of any app when omitted): it then redirects straight to the
 *   callback, with no login page;
 * - `POST /_emulator/oauth/revoke` revokes a user's tokens for an app (refresh → 20064).
 */
export function addOAuthControlRoutes(app: Hono, state: EmulatorState): void {
  app.post('/_emulator/oauth/next-login', async (c) => {
    const body = await readJson(c);
    const appId = stringField(body, 'app_id');
    const target = appId === undefined ? undefined : state.apps.get(appId);
    if (appId !== undefined && target === undefined) throw controlError(404, 'no such app');
    const store = oauthStoreOf(state);
    if (body['deny'] === true) {
      store.nextLogin.set(appId ?? '*', { deny: true });
      return c.json({ app_id: appId ?? null, deny: true });
    }
    const found = resolveUser(state, target, body);
    store.nextLogin.set(appId ?? '*', { tenantKey: found.tenant.tenantKey, userId: found.user.userId });
    return c.json({
      app_id: appId ?? null,
      tenant_key: found.tenant.tenantKey,
      user_id: found.user.userId,
      ...(target === undefined ? {} : { open_id: openIdOf(target, found.tenant.tenantKey, found.user.userId) }),
      name: found.user.name,
    });
  });

  app.post('/_emulator/oauth/revoke', async (c) => {
    const body = await readJson(c);
    const target = state.apps.get(stringField(body, 'app_id') ?? '');
    if (target === undefined) throw controlError(400, 'app_id must name an existing app');
    const found = resolveUser(state, target, body);
    const revoked = revokeUserGrants(state, found.tenant.tenantKey, found.user.userId, target.appId);
    return c.json({ app_id: target.appId, user_id: found.user.userId, revoked_refresh_tokens: revoked });
  });
}

/**
 * The user named by exactly one of `user_id`, `email` or `open_id` (open_id needs `app_id`), in
 * `tenant_key` when given, else in the app's tenants, else in any tenant.
 */
function resolveUser(state: EmulatorState, app: App | undefined, body: Record<string, unknown>): { tenant: Tenant; user: User } {
  const userId = stringField(body, 'user_id');
  const email = stringField(body, 'email');
  const openId = stringField(body, 'open_id');
  if ([userId, email, openId].filter((value) => value !== undefined).length !== 1) throw controlError(400, 'give exactly one of user_id, email or open_id');
  if (openId !== undefined && app === undefined) throw controlError(400, 'open_id is per app: give app_id too');
  const family = userId !== undefined ? 'user_id' : email !== undefined ? 'email' : 'open_id';
  const id = userId ?? email ?? openId ?? '';
  const found = inTenants(state, stringField(body, 'tenant_key'), app, id, family);
  if (found === undefined) throw controlError(404, 'no such user in the tenants searched');
  return found;
}

/** In `tenant_key` when given, else in the app's tenants, else in any tenant. */
function inTenants(state: EmulatorState, tenantKey: string | undefined, app: App | undefined, id: string, family: UserIdFamily): { tenant: Tenant; user: User } | undefined {
  if (tenantKey === undefined) return findUserByAnyId(state, app, id, [family]);
  const tenant = state.tenants.get(tenantKey);
  const user = tenant === undefined ? undefined : findUserByAnyId(tenant, app, id, [family]);
  return tenant === undefined || user === undefined ? undefined : { tenant, user };
}

