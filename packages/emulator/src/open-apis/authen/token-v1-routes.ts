import type { Context, Hono } from 'hono';
import { requireBearerToken } from '../../http/bearer-token.ts';
import type { FeishuError } from '../../errors/feishu-error.ts';
import { ok } from '../../http/ok.ts';
import { readJson } from '../../http/read-json.ts';
import { stringField } from '../../http/string-field.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App } from '../../state/types.ts';
import { findCode, findRefreshToken, grantFrom, type CodeProblem, type GrantProblem, type RefreshProblem } from './find-grant.ts';
import { issueV1Tokens, LEGACY_LIFETIMES, OIDC_LIFETIMES, type Grant, type V1Lifetimes } from './issue-user-tokens.ts';
import { serializeUserInfo } from './serialize-user-info.ts';
import { V1_USER_ERRORS, v1Errors } from './v1-errors.ts';

const base = '/open-apis/authen/v1';

/**
 * The v1 (legacy) user token endpoints, called with the app's app_access_token (the SDK sends
 * its tenant token, the same value for a self-built app). `oidc/*` return tokens only; the older
 * `access_token` / `refresh_access_token` add the user's profile. Failures are HTTP 200 with a
 * 20xxx code, as the v1 docs list them.
 */
export function addTokenV1Routes(app: Hono, state: EmulatorState): void {
  const byCode = (lifetimes: V1Lifetimes, withProfile: boolean) => async (c: Context) => {
    const client = callerApp(state, c);
    const body = await readJson(c);
    grantType(body, 'authorization_code');
    const code = stringField(body, 'code');
    if (code === undefined || code === '') throw v1Errors.invalidRequest('Please check request param: code is required');
    const found = findCode(state, client.appId, code);
    if ('problem' in found) throw CODE_ERRORS[found.problem]();
    // v1 has no code_verifier: a code bound to a PKCE challenge can only be redeemed on v2.
    if (found.record.challenge !== undefined) throw v1Errors.invalidRequest('The code was issued with PKCE; exchange it on /open-apis/authen/v2/oauth/token');
    const grant = grantOrThrow(state, found.record);
    found.record.used = true;
    return ok(c, answer(state, grant, lifetimes, withProfile));
  };

  const byRefreshToken = (lifetimes: V1Lifetimes, withProfile: boolean) => async (c: Context) => {
    const client = callerApp(state, c);
    const body = await readJson(c);
    grantType(body, 'refresh_token');
    const token = stringField(body, 'refresh_token');
    if (token === undefined || token === '') throw v1Errors.invalidRequest('Please check request param: refresh_token is required');
    const found = findRefreshToken(state, client.appId, token, 'v1');
    if ('problem' in found) throw REFRESH_ERRORS[found.problem]();
    const grant = grantOrThrow(state, found.record);
    found.record.status = 'used';
    return ok(c, answer(state, grant, lifetimes, withProfile));
  };

  app.post(`${base}/oidc/access_token`, byCode(OIDC_LIFETIMES, false));
  app.post(`${base}/oidc/refresh_access_token`, byRefreshToken(OIDC_LIFETIMES, false));
  app.post(`${base}/access_token`, byCode(LEGACY_LIFETIMES, true));
  app.post(`${base}/refresh_access_token`, byRefreshToken(LEGACY_LIFETIMES, true));
}

function answer(state: EmulatorState, grant: Grant, lifetimes: V1Lifetimes, withProfile: boolean): Record<string, unknown> {
  const tokens = issueV1Tokens(state, grant, lifetimes);
  if (!withProfile) return tokens;
  const user = state.tenants.get(grant.tenantKey)?.users.get(grant.userId);
  if (user === undefined) throw v1Errors.userMissing();
  // The older endpoints list neither `scope` nor `employee_no` in their answer.
  const profile = serializeUserInfo(grant.app, grant.tenantKey, user, { employeeNo: false });
  return {
    access_token: tokens['access_token'],
    token_type: tokens['token_type'],
    expires_in: tokens['expires_in'],
    ...profile,
    refresh_expires_in: tokens['refresh_expires_in'],
    refresh_token: tokens['refresh_token'],
  };
}

/** The app behind the bearer token: its app_access_token, or a tenant token of it. */
function callerApp(state: EmulatorState, c: Context): App {
  const token = requireBearerToken(c);
  const found = state.tokens.lookup(token);
  const app = 'record' in found && found.record.kind !== 'user' ? state.apps.get(found.record.appId) : undefined;
  if (app === undefined) {
    throw token.startsWith('a-')
      ? v1Errors.invalidAppToken()
      : v1Errors.invalidTenantToken();
  }
  return app;
}

function grantType(body: Record<string, unknown>, expected: string): void {
  const value = stringField(body, 'grant_type');
  if (value === undefined || value === '') throw v1Errors.invalidRequest('Please check request param: grant_type is required');
  if (value !== expected) throw v1Errors.unsupportedGrantType();
}

function grantOrThrow(state: EmulatorState, record: Parameters<typeof grantFrom>[1]): Grant {
  const found = grantFrom(state, record);
  if ('problem' in found) throw GRANT_ERRORS[found.problem]();
  return found.grant;
}

const CODE_ERRORS: Record<CodeProblem, () => FeishuError> = {
  unknown: v1Errors.codeInvalid,
  used: v1Errors.codeInvalid,
  expired: v1Errors.codeExpired,
  other_client: () => v1Errors.otherClient('the code'),
};

const REFRESH_ERRORS: Record<RefreshProblem, () => FeishuError> = {
  unknown: v1Errors.refreshInvalid,
  other_client: () => v1Errors.otherClient('refresh_token'),
  used: v1Errors.refreshNotFound,
  revoked: v1Errors.refreshNotFound,
  expired: v1Errors.refreshExpired,
};

const GRANT_ERRORS: Record<GrantProblem, () => FeishuError> = {
  not_installed: v1Errors.notInstalled,
  ...V1_USER_ERRORS,
};
