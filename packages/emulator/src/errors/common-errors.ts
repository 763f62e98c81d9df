import { FeishuError } from './feishu-error.ts';

/** Failures every Open API path can answer, with the codes and messages of the platform doc (§11). */
export const commonErrors = {
  needToken: () => new FeishuError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.'),
  badTokenFormat: () => new FeishuError(400, 99991671, 'Invalid access token for authorization. Token must start with t- or u-.'),
  invalidTenantToken: () => new FeishuError(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.'),
  invalidAppToken: () => new FeishuError(400, 99991664, 'Invalid app access token.'),
  invalidUserToken: () => new FeishuError(400, 99991668, 'Invalid user access token.'),
  expiredUserToken: () => new FeishuError(400, 99991677, 'User access token expired.'),
  missingScope: (scopes: readonly string[]) =>
    // Inside `error`, beside the log id, as the platform doc's envelope section places it.
    new FeishuError(400, 99991672, `Access denied. One of the following scopes is required: [${scopes.join(', ')}].`, {
      error: { permission_violations: scopes.map((scope) => ({ type: 'action_privilege_required', subject: scope, description: scope })) },
    }),
  badRequest: (msg = 'Bad Request') => new FeishuError(400, 9499, msg),
  notFound: () => new FeishuError(404, 99991201, 'path not found'),
  methodNotAllowed: () => new FeishuError(405, 99991301, 'method not allowed'),
  rateLimited: () => new FeishuError(429, 99991400, 'request trigger frequency limit'),
  internal: () => new FeishuError(500, 2200, 'Internal Error'),
} as const;
