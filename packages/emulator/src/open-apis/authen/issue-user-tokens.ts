import type { EmulatorState } from '../../state/emulator-state.ts';
import { openIdOf } from '../../state/ids.ts';
import type { App } from '../../state/types.ts';
import { mintJwtLike, mintV1Token } from './mint-tokens.ts';
import { oauthStoreOf } from './oauth-store.ts';

/** What a user granted an app: the source of every token issued from one code and its refreshes. */
export type Grant = {
  readonly app: App;
  readonly tenantKey: string;
  readonly userId: string;
  /** All scopes granted, sorted; a token may carry fewer (v2 `scope` narrowing). */
  readonly scopes: readonly string[];
  readonly authorizedAt: number;
};

const SECOND = 1000;
export const V2_ACCESS_SECONDS = 7200;
export const V2_REFRESH_SECONDS = 7 * 24 * 60 * 60;
/** v2 refresh stops 365 days after the user authorized; then the user must authorize again (20037). */
export const V2_REFRESH_HORIZON_MS = 365 * 24 * 60 * 60 * SECOND;

/**
 * Issues a v2 user_access_token (JWT-shaped, accepted by every Open API route as a user token)
 * carrying `tokenScopes`, and a rotating refresh token when the user granted `offline_access`.
 * Returns the RFC 6749 body of `authen/v2/oauth/token`.
 */
export function issueV2Tokens(state: EmulatorState, grant: Grant, tokenScopes: readonly string[]): Record<string, string | number> {
  const now = state.clock.now();
  const scope = tokenScopes.join(' ');
  const claims = { aud: grant.app.appId, sub: openIdOf(grant.app, grant.tenantKey, grant.userId), tenant_key: grant.tenantKey, scope, iat: Math.floor(now / SECOND) };
  const accessToken = mintJwtLike(state.random, { ...claims, typ: 'access', exp: Math.floor(now / SECOND) + V2_ACCESS_SECONDS });
  state.tokens.issueUser(grant.app.appId, grant.tenantKey, grant.userId, tokenScopes, accessToken, V2_ACCESS_SECONDS * SECOND);
  const body: Record<string, string | number> = { code: 0, access_token: accessToken, expires_in: V2_ACCESS_SECONDS };

  if (grant.scopes.includes('offline_access')) {
    const expiresAt = Math.min(now + V2_REFRESH_SECONDS * SECOND, grant.authorizedAt + V2_REFRESH_HORIZON_MS);
    const refreshToken = mintJwtLike(state.random, { ...claims, typ: 'refresh', exp: Math.floor(expiresAt / SECOND) });
    remember(state, grant, refreshToken, 'v2', expiresAt);
    body['refresh_token'] = refreshToken;
    body['refresh_token_expires_in'] = Math.ceil((expiresAt - now) / SECOND);
  }
  return { ...body, token_type: 'Bearer', scope };
}

/** Lifetimes of the v1 endpoints, in seconds, as their docs' examples show them. */
export type V1Lifetimes = { readonly access: number; readonly refresh: number };
export const OIDC_LIFETIMES: V1Lifetimes = { access: 7199, refresh: 2_591_999 };
export const LEGACY_LIFETIMES: V1Lifetimes = { access: 7140, refresh: 2_591_940 };

/** Issues a v1 pair (`u-…` access, `ur-…` refresh; v1 always returns a refresh token). Returns `data`. */
export function issueV1Tokens(state: EmulatorState, grant: Grant, lifetimes: V1Lifetimes): Record<string, string | number> {
  const now = state.clock.now();
  const accessToken = mintV1Token(state.random, 'u-');
  state.tokens.issueUser(grant.app.appId, grant.tenantKey, grant.userId, grant.scopes, accessToken, lifetimes.access * SECOND);
  const refreshToken = mintV1Token(state.random, 'ur-');
  remember(state, grant, refreshToken, 'v1', now + lifetimes.refresh * SECOND);
  return {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: lifetimes.access,
    refresh_expires_in: lifetimes.refresh,
    scope: grant.scopes.join(' '),
  };
}

function remember(state: EmulatorState, grant: Grant, token: string, version: 'v1' | 'v2', expiresAt: number): void {
  const store = oauthStoreOf(state);
  store.refreshTokens.set(token, {
    token,
    version,
    appId: grant.app.appId,
    tenantKey: grant.tenantKey,
    userId: grant.userId,
    scopes: grant.scopes,
    authorizedAt: grant.authorizedAt,
    expiresAt,
    status: 'active',
  });
  store.sweep();
}
