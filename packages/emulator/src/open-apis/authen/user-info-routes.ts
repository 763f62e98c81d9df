import type { Hono } from 'hono';
import { requireBearerToken } from '../../http/bearer-token.ts';
import { commonErrors } from '../../errors/common-errors.ts';
import { ok } from '../../http/ok.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { serializeUserInfo } from './serialize-user-info.ts';
import { userProblem } from './user-problem.ts';
import { V1_USER_ERRORS, v1Errors } from './v1-errors.ts';

/**
 * `GET /open-apis/authen/v1/user_info` with a user_access_token (v1 `u-…` or v2 `eyJ…`). Its own
 * failures are HTTP 200 with 20005 (invalid token) or 20008/20021/20022/20023 (user state), as
 * the endpoint's docs list them; a missing header and an expired token answer as the gateway
 * does elsewhere (99991661, 99991677, HTTP 400).
 */
export function addUserInfoRoutes(app: Hono, state: EmulatorState): void {
  app.get('/open-apis/authen/v1/user_info', (c) => {
    const token = requireBearerToken(c);
    const found = state.tokens.lookup(token);
    if ('problem' in found && found.problem === 'expired') throw commonErrors.expiredUserToken();
    const record = 'record' in found && found.record.kind === 'user' ? found.record : undefined;
    const caller = record === undefined ? undefined : state.apps.get(record.appId);
    if (record?.tenantKey === undefined || record.userId === undefined || caller === undefined) {
      throw v1Errors.invalidUserToken();
    }
    const user = state.tenants.get(record.tenantKey)?.users.get(record.userId);
    const problem = userProblem(user);
    if (user === undefined || problem !== undefined) throw V1_USER_ERRORS[problem ?? 'missing']();
    return ok(c, serializeUserInfo(caller, record.tenantKey, user));
  });
}
