import type { Context } from 'hono';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { App, Tenant } from '../state/types.ts';
import type { TokenKind, TokenRecord } from '../tokens/token-store.ts';
import { requireBearerToken } from './bearer-token.ts';
import { commonErrors } from '../errors/common-errors.ts';

export type Caller = { readonly app: App; readonly tenant: Tenant; readonly record: TokenRecord };

/**
 * Resolves the bearer token of an Open API call to the calling app and tenant, failing with the
 * codes Feishu uses: 99991661 no token, 99991671 malformed, 99991663 invalid tenant token,
 * 99991668/99991677 invalid or expired user token.
 */
export function authenticate(state: EmulatorState, c: Context, accepted: readonly TokenKind[]): Caller {
  const token = requireBearerToken(c);
  const isUserToken = token.startsWith('u-') || token.startsWith('eyJ');
  if (!isUserToken && !token.startsWith('t-') && !token.startsWith('a-')) throw commonErrors.badTokenFormat();

  const found = state.tokens.lookup(token);
  if ('problem' in found) {
    if (isUserToken) throw found.problem === 'expired' ? commonErrors.expiredUserToken() : commonErrors.invalidUserToken();
    throw token.startsWith('a-') ? commonErrors.invalidAppToken() : commonErrors.invalidTenantToken();
  }
  const { record } = found;
  const kindAccepted = accepted.includes(record.kind) || (record.alsoAppToken && accepted.includes('app'));
  if (!kindAccepted) throw record.kind === 'user' ? commonErrors.invalidUserToken() : commonErrors.invalidTenantToken();

  const app = state.apps.get(record.appId);
  const tenant = record.tenantKey === undefined ? undefined : state.tenants.get(record.tenantKey);
  if (app === undefined || tenant === undefined || !app.installations.has(tenant.tenantKey)) throw commonErrors.invalidTenantToken();
  return { app, tenant, record };
}

/** Fails with 99991672 unless the app holds at least one of `scopes`. */
export function requireScope(app: App, scopes: readonly string[]): void {
  if (!scopes.some((scope) => app.scopes.has(scope))) throw commonErrors.missingScope(scopes);
}
