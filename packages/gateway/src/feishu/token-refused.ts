import { GatewayError, isGatewayError } from '../errors/index.ts';
import { classifyFeishuCode } from './classify-feishu-code.ts';
import type { TokenResponse } from './request-token.ts';

/**
 * The error for a token endpoint's non-zero `code` (10003/10014/10015 for wrong credentials,
 * 99991665 for a tenant without the app, …). Details name the connection and Feishu's code and
 * message, never the credentials that were sent.
 *
 * @example
 * throw tokenRefused('default', '/open-apis/auth/v3/tenant_access_token/internal', answer);
 */
export function tokenRefused(connection: string, path: string, response: TokenResponse): GatewayError {
  const code = typeof response.body['code'] === 'number' ? response.body['code'] : -1;
  const msg = typeof response.body['msg'] === 'string' ? response.body['msg'] : '';
  const { retryable } = classifyFeishuCode(code, response.httpStatus);
  return new GatewayError('feishu.token_unavailable', `Feishu refused POST ${path} for connection "${connection}": ${code} ${msg}${response.logId === undefined ? '' : ` (log_id ${response.logId})`}`, {
    details: { connection, code, msg, logId: response.logId, httpStatus: response.httpStatus, retryable },
  });
}

/** True when `error` is a token endpoint's refusal with Feishu `code` (see `tokenRefused`). */
export function refusedWith(error: unknown, code: number): boolean {
  return isGatewayError(error, 'feishu.token_unavailable') && error.details?.['code'] === code;
}
