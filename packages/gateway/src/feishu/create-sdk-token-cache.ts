import type { Cache } from '@larksuiteoapi/node-sdk';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { TokenScope, TokenStore } from './token-store.ts';

// The keys the SDK's token manager reads (node-sdk `client/token-manager.ts`, platform doc §1.2).
const TENANT_TOKEN = 'tenant-access-token';
const APP_TICKET = 'app-ticket';
const STORE_TENANT_TOKEN_PREFIX = 'larkMarketAccessToken';
/** Tokens whose scope is remembered for the transport: far more than live tokens of one connection. */
const MAX_REMEMBERED = 10_000;

export type SdkTokenCache = Cache & {
  /** The scope the token was handed out for, so a refused token can be replaced for the same tenant. */
  scopeOf: (token: string) => TokenScope | undefined;
};

/**
 * The SDK `cache` of one connection, answered by the gateway's token store: when the SDK looks
 * up its tenant token (self-built, or a store app's per `tenant_key`), it gets the shared,
 * database-backed one, so it never fetches tokens on its own. Writes of tokens are ignored (the
 * store owns them); an `app_ticket` write is saved. Other keys live in memory.
 */
export function createSdkTokenCache(connection: FeishuConnectionConfig, tokens: TokenStore): SdkTokenCache {
  const scopes = new Map<string, TokenScope>();
  const needsTenant = () => new GatewayError('feishu.token_unavailable', `connection ${connection.name} is a store app: name the tenant with lark.withTenantKey(tenantKey)`, { details: { connection: connection.name, retryable: false } });
  const other = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  const hand = async (scope: TokenScope) => {
    const token = await tokens.tenantToken(scope);
    if (!scopes.has(token)) {
      if (scopes.size >= MAX_REMEMBERED) scopes.delete(scopes.keys().next().value as string);
      scopes.set(token, scope);
    }
    return token;
  };

  return {
    async get(key) {
      const name = typeof key === 'symbol' ? key.description : String(key);
      if (name === TENANT_TOKEN) {
        if (connection.appType === 'store') throw needsTenant();
        return hand({ connection: connection.name, tenantKey: undefined });
      }
      if (name !== undefined && name.startsWith(STORE_TENANT_TOKEN_PREFIX)) {
        const tenantKey = name.slice(STORE_TENANT_TOKEN_PREFIX.length);
        if (tenantKey === '' || tenantKey === 'undefined') throw needsTenant();
        return hand({ connection: connection.name, tenantKey });
      }
      // Read when a store Client is built, by a promise the SDK never awaits: a failure here would
      // be an unhandled rejection, so it counts as a miss (the SDK then asks for a resend).
      if (name === APP_TICKET) return connection.appType === 'store' ? await tokens.appTicket(connection.name).catch(() => undefined) : undefined;
      const entry = other.get(`${name}`);
      if (entry === undefined || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())) return undefined;
      return entry.value;
    },
    async set(key, value, expiresAt) {
      const name = typeof key === 'symbol' ? key.description : String(key);
      if (name === TENANT_TOKEN || (name !== undefined && name.startsWith(STORE_TENANT_TOKEN_PREFIX))) return true;
      if (name === APP_TICKET) {
        if (typeof value === 'string' && value !== '') await tokens.saveAppTicket(connection.name, value);
        return true;
      }
      other.set(`${name}`, { value, expiresAt });
      return true;
    },
    scopeOf: (token) => scopes.get(token),
  };
}
