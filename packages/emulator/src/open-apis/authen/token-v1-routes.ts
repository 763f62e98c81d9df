import type { Context, Hono } from 'hono';
import { requireBearerToken } from '../../http/bearer-token.ts';
import { FeishuError } from '../../http/feishu-error.ts';
import { ok } from '../../http/ok.ts';
import { readJson } from '../../http/read-json.ts';
import { stringField } from '../../http/string-field.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App } from '../../state/types.ts';
import { findCode, findRefreshToken, grantFrom, type CodeProblem, type GrantProblem, type RefreshProblem } from './find-grant.ts';
import { issueV1Tokens, LEGACY_LIFETIMES, OIDC_LIFETIMES, type Grant, type V1Lifetimes } from './issue-user-tokens.ts';
import { serializeUserInfo } from './serialize-user-info.ts';
import { V1_USER_ERRORS } from './user-problem.ts';

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
    if (code === undefined || code === '') throw v1Error(20001, 'Invalid request. Please check request param: code is required');
    const found = findCode(state, client.appId, code);
    if ('problem' in found) throw CODE_ERRORS[found.problem]();
    // v1 has no code_verifier: a code bound to a PKCE challenge can only be redeemed on v2.
    if (found.record.challenge !== undefined) throw v1Error(20001, 'Invalid request. The code was issued with PKCE; exchange it on /open-apis/authen/v2/oauth/token');
    const grant = grantOrThrow(state, found.record);
    found.record.used = true;
    return ok(c, answer(state, grant, lifetimes, withProfile));
  };

  const byRefreshToken = (lifetimes: V1Lifetimes, withProfile: boolean) => async (c: Context) => {
    const client = callerApp(state, c);
    const body = await readJson(c);
    grantType(body, 'refresh_token');
    const token = stringField(body, 'refresh_token');
    if (token === undefined || token === '') throw v1Error(20001, 'Invalid request. Please check request param: refresh_token is required');
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
  if (user === undefined) throw v1Error(20008, 'User not exist');
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
      ? v1Error(20014, 'The app access token passed is invalid. Please check the value')
      : v1Error(20013, 'The tenant access token passed is invalid. Please check the value');
  }
  return app;
}

function grantType(body: Record<string, unknown>, expected: string): void {
  const value = stringField(body, 'grant_type');
  if (value === undefined || value === '') throw v1Error(20001, 'Invalid request. Please check request param: grant_type is required');
  if (value !== expected) throw v1Error(20036, 'The grant_type passed is not supported');
}

function grantOrThrow(state: EmulatorState, record: Parameters<typeof grantFrom>[1]): Grant {
  const found = grantFrom(state, record);
  if ('problem' in found) throw GRANT_ERRORS[found.problem]();
  return found.grant;
}

const v1Error = (code: number, msg: string) => new FeishuError(200, code, msg);

const CODE_ERRORS: Record<CodeProblem, () => FeishuError> = {
  unknown: () => v1Error(20003, 'The code passed is invalid. Please note that the code could only be used once'),
  used: () => v1Error(20003, 'The code passed is invalid. Please note that the code could only be used once'),
  expired: () => v1Error(20004, 'The code passed has expired. Please generate a new one'),
  other_client: () => v1Error(20024, 'App id in the code differs from the app id of the app_access_token or tenant_access_token. Please keep the app id consistent'),
};

const REFRESH_ERRORS: Record<RefreshProblem, () => FeishuError> = {
  unknown: () => v1Error(20026, 'The refresh token passed is invalid. Please check the value'),
  other_client: () => v1Error(20024, 'App id in refresh_token differs from the app id of the app_access_token or tenant_access_token. Please keep the app id consistent'),
  used: () => v1Error(20038, 'The refresh token passed is not found. Please check the value'),
  revoked: () => v1Error(20038, 'The refresh token passed is not found. Please check the value'),
  expired: () => v1Error(20037, 'The refresh token passed has expired. Please generate a new one'),
};

const GRANT_ERRORS: Record<GrantProblem, () => FeishuError> = {
  not_installed: () => v1Error(20009, 'Tenant does not install app'),
  missing: () => v1Error(V1_USER_ERRORS.missing.code, V1_USER_ERRORS.missing.msg),
  resigned: () => v1Error(V1_USER_ERRORS.resigned.code, V1_USER_ERRORS.resigned.msg),
  frozen: () => v1Error(V1_USER_ERRORS.frozen.code, V1_USER_ERRORS.frozen.msg),
  unregistered: () => v1Error(V1_USER_ERRORS.unregistered.code, V1_USER_ERRORS.unregistered.msg),
};
