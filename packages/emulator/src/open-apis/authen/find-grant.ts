import type { EmulatorState } from '../../state/emulator-state.ts';
import type { Grant } from './issue-user-tokens.ts';
import { oauthStoreOf, type AuthorizationCode, type RefreshRecord } from './oauth-store.ts';
import { userProblem, type UserProblem } from './user-problem.ts';

export type CodeProblem = 'unknown' | 'other_client' | 'used' | 'expired';
export type RefreshProblem = 'unknown' | 'other_client' | 'used' | 'revoked' | 'expired';
export type GrantProblem = 'not_installed' | UserProblem;

/**
 * The login code `code` if `appId` may redeem it now. Each endpoint maps the problem to its own
 * error code; the caller marks the code used once every other check has passed.
 */
export function findCode(state: EmulatorState, appId: string, code: string): { record: AuthorizationCode } | { problem: CodeProblem } {
  const record = oauthStoreOf(state).codes.get(code);
  if (record === undefined) return { problem: 'unknown' };
  if (record.appId !== appId) return { problem: 'other_client' };
  if (record.used) return { problem: 'used' };
  if (record.expiresAt <= state.clock.now()) return { problem: 'expired' };
  return { record };
}

/** A refresh token of `version` that `appId` may use now; a token of the other version is unknown. */
export function findRefreshToken(state: EmulatorState, appId: string, token: string, version: 'v1' | 'v2'): { record: RefreshRecord } | { problem: RefreshProblem } {
  const record = oauthStoreOf(state).refreshTokens.get(token);
  if (record?.version !== version) return { problem: 'unknown' };
  if (record.appId !== appId) return { problem: 'other_client' };
  if (record.status !== 'active') return { problem: record.status };
  if (record.expiresAt <= state.clock.now()) return { problem: 'expired' };
  return { record };
}

/** The grant behind a code or refresh token, if its app is still installed and its user may still sign in. */
export function grantFrom(state: EmulatorState, record: AuthorizationCode | RefreshRecord): { grant: Grant } | { problem: GrantProblem } {
  const app = state.apps.get(record.appId);
  if (app === undefined || !app.installations.has(record.tenantKey)) return { problem: 'not_installed' };
  const problem = userProblem(state.tenants.get(record.tenantKey)?.users.get(record.userId));
  if (problem !== undefined) return { problem };
  return { grant: { app, tenantKey: record.tenantKey, userId: record.userId, scopes: record.scopes, authorizedAt: record.authorizedAt } };
}
