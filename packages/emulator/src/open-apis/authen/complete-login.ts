import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUserByAnyId } from '../../state/find-user-by-any-id.ts';
import type { App, Tenant, User } from '../../state/types.ts';
import { mintCode } from './mint-tokens.ts';
import { CODE_LIFETIME_MS, grantKey, oauthStoreOf, type PendingAuthorization } from './oauth-store.ts';
import { redirectWith, type AuthorizeRefusal } from './parse-authorize-request.ts';
import { userProblem } from './user-problem.ts';
import { V1_USER_ERRORS } from './v1-errors.ts';

/** What the person on the login page did. */
export type LoginChoice = { readonly deny: true } | { readonly tenantKey: string | undefined; readonly login: string };

/**
 * Finishes an authorization: on deny, the callback gets `error=access_denied`; on login, a fresh
 * code (5 minutes, single use) that remembers the app, tenant, user, redirect_uri, the scopes
 * granted so far (grants are cumulative per app and user) and the PKCE challenge.
 * Returns the callback URL, or why the login is refused (shown as an error page).
 */
export function completeLogin(state: EmulatorState, pending: PendingAuthorization, choice: LoginChoice): { redirect: string } | AuthorizeRefusal {
  if ('deny' in choice) return { redirect: redirectWith(pending.redirectUri, { error: 'access_denied', state: pending.state }) };
  const app = state.apps.get(pending.appId);
  if (app === undefined) return { code: 20028, message: 'Invalid app id: the app no longer exists.' };

  const found = findLoginUser(state, app, choice.tenantKey, choice.login);
  if (found === undefined) return { code: 20008, message: `User not exist: no user "${choice.login}" in the app's tenants.` };
  if (!app.installations.has(found.tenant.tenantKey)) return { code: 20009, message: 'Tenant does not install app.' };
  const problem = userProblem(found.user);
  if (problem !== undefined) {
    const error = V1_USER_ERRORS[problem]();
    return { code: error.code as number, message: error.message };
  }

  const store = oauthStoreOf(state);
  const key = grantKey(app.appId, found.tenant.tenantKey, found.user.userId);
  const granted = store.grants.get(key) ?? new Set<string>();
  for (const scope of pending.scopes) granted.add(scope);
  store.grants.set(key, granted);

  const now = state.clock.now();
  const code = mintCode(state.random);
  store.codes.set(code, {
    code,
    appId: app.appId,
    tenantKey: found.tenant.tenantKey,
    userId: found.user.userId,
    redirectUri: pending.redirectUri,
    scopes: [...granted].sort(),
    challenge: pending.challenge,
    authorizedAt: now,
    expiresAt: now + CODE_LIFETIME_MS,
    used: false,
  });
  store.sweep();
  return { redirect: redirectWith(pending.redirectUri, { code, state: pending.state }) };
}

/** A user of one of the app's tenants by user_id or email (the free-text field of the login page). */
function findLoginUser(state: EmulatorState, app: App, tenantKey: string | undefined, login: string): { tenant: Tenant; user: User } | undefined {
  if (tenantKey === undefined || tenantKey === '') return findUserByAnyId(state, app, login, LOGIN_FAMILIES);
  const tenant = state.tenants.get(tenantKey);
  const user = tenant === undefined ? undefined : findUserByAnyId(tenant, app, login, LOGIN_FAMILIES);
  return tenant === undefined || user === undefined ? undefined : { tenant, user };
}

const LOGIN_FAMILIES = ['user_id', 'email'] as const;
