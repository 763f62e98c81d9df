/**
 * A failure answered the way Feishu answers it: an HTTP status and a JSON body with Feishu's
 * numeric `code` and `msg`. Routes throw it; the app's error handler writes it.
 */
export class FeishuError extends Error {
  readonly status: number;
  readonly code: number;
  /** Extra top-level fields (RFC 6749 `error`/`error_description` on authen v2) or `error` details. */
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: number, msg: string, extra: Record<string, unknown> = {}) {
    super(msg);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

/** Common failures, with the codes and messages of the platform doc (§11). */
export const errors = {
  needToken: () => new FeishuError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.'),
  badTokenFormat: () => new FeishuError(400, 99991671, 'Invalid access token for authorization. Token must start with t- or u-.'),
  invalidTenantToken: () => new FeishuError(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.'),
  invalidAppToken: () => new FeishuError(400, 99991664, 'Invalid app access token.'),
  invalidUserToken: () => new FeishuError(400, 99991668, 'Invalid user access token.'),
  expiredUserToken: () => new FeishuError(400, 99991677, 'User access token expired.'),
  missingScope: (scopes: readonly string[]) =>
    new FeishuError(400, 99991672, `Access denied. One of the following scopes is required: [${scopes.join(', ')}].`, {
      permission_violations: scopes.map((scope) => ({ type: 'action_privilege_required', subject: scope, description: scope })),
    }),
  badRequest: (msg = 'Bad Request') => new FeishuError(400, 9499, msg),
  notFound: () => new FeishuError(404, 99991201, 'path not found'),
  methodNotAllowed: () => new FeishuError(405, 99991301, 'method not allowed'),
} as const;
