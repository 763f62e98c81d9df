import type { FeishuConnectionConfig } from '../config/index.ts';
import { GatewayError } from '../errors/index.ts';
import { requestToken } from './request-token.ts';
import { resolveBaseUrl } from './resolve-base-url.ts';
import { tokenRefused } from './token-refused.ts';

/** A token as Feishu issued it; `expiresAt` is epoch ms on the store's clock. */
export type FetchedToken = { readonly token: string; readonly expiresAt: number };

/** The auth v3 calls (platform doc §1.1), each bounded by `deadline` (epoch ms). */
export type TokenFetcher = {
  selfBuiltTenantToken(connection: FeishuConnectionConfig, deadline: number): Promise<FetchedToken>;
  storeAppToken(connection: FeishuConnectionConfig, appTicket: string, deadline: number): Promise<FetchedToken>;
  storeTenantToken(connection: FeishuConnectionConfig, appToken: string, tenantKey: string, deadline: number): Promise<FetchedToken>;
  resendAppTicket(connection: FeishuConnectionConfig, deadline: number): Promise<void>;
};

const AUTH = '/open-apis/auth/v3';

/**
 * Fetches tokens from Feishu. A non-zero `code` becomes `feishu.token_unavailable` with Feishu's
 * code in `details.code`; a timeout or unreachable host the same, marked retryable.
 */
export function createTokenFetcher(deps: { fetch: typeof fetch; now: () => number; requestTimeoutMs: number }): TokenFetcher {
  const post = async (connection: FeishuConnectionConfig, path: string, body: Record<string, string>, deadline: number) => {
    const timeoutMs = Math.min(deps.requestTimeoutMs, deadline - deps.now());
    if (timeoutMs <= 0) {
      throw new GatewayError('feishu.token_unavailable', `no time left to call Feishu for connection "${connection.name}"`, {
        details: { connection: connection.name, retryable: true },
      });
    }
    const response = await requestToken({ fetch: deps.fetch, baseUrl: resolveBaseUrl(connection.domain), path, body, timeoutMs, connection: connection.name });
    if (response.body['code'] !== 0) throw tokenRefused(connection.name, path, response);
    return response;
  };

  const fetchToken = async (connection: FeishuConnectionConfig, path: string, field: string, body: Record<string, string>, deadline: number) => {
    // Measured from before the request, so the expiry we keep is never later than Feishu's.
    const startedAt = deps.now();
    const response = await post(connection, path, body, deadline);
    const token = response.body[field];
    const expire = response.body['expire'];
    if (typeof token !== 'string' || token === '' || typeof expire !== 'number' || !(expire > 0)) {
      throw new GatewayError('feishu.token_unavailable', `Feishu answered POST ${path} for connection "${connection.name}" without ${field} and expire`, {
        details: { connection: connection.name, logId: response.logId, retryable: true },
      });
    }
    return { token, expiresAt: startedAt + expire * 1000 };
  };

  return {
    selfBuiltTenantToken: (connection, deadline) =>
      fetchToken(connection, `${AUTH}/tenant_access_token/internal`, 'tenant_access_token', { app_id: connection.appId, app_secret: connection.appSecret }, deadline),
    storeAppToken: (connection, appTicket, deadline) =>
      fetchToken(connection, `${AUTH}/app_access_token`, 'app_access_token', { app_id: connection.appId, app_secret: connection.appSecret, app_ticket: appTicket }, deadline),
    storeTenantToken: (connection, appToken, tenantKey, deadline) =>
      fetchToken(connection, `${AUTH}/tenant_access_token`, 'tenant_access_token', { app_access_token: appToken, tenant_key: tenantKey }, deadline),
    async resendAppTicket(connection, deadline) {
      await post(connection, `${AUTH}/app_ticket/resend`, { app_id: connection.appId, app_secret: connection.appSecret }, deadline);
    },
  };
}
