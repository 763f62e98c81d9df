import type { EmulatorState } from '../../state/emulator-state.ts';
import { oauthStoreOf } from './oauth-store.ts';

/**
 * Ends a user's login sessions: their access tokens stop working and their refresh tokens are
 * revoked (refresh then answers 20064, or 20038 on v1). For one app, or every app when `appId`
 * is omitted — a person who resigns loses every session, as in Feishu.
 *
 * @returns how many refresh tokens were revoked.
 */
export function revokeUserGrants(state: EmulatorState, tenantKey: string, userId: string, appId?: string): number {
  for (const app of state.apps.values()) {
    if (appId === undefined || app.appId === appId) state.tokens.revokeUserTokens(app.appId, userId);
  }
  let revoked = 0;
  for (const record of oauthStoreOf(state).refreshTokens.values()) {
    if ((appId === undefined || record.appId === appId) && record.tenantKey === tenantKey && record.userId === userId && record.status === 'active') {
      record.status = 'revoked';
      revoked += 1;
    }
  }
  return revoked;
}
