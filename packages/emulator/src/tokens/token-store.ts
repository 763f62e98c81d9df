import type { Clock } from '../clock/create-clock.ts';
import type { Random } from '../state/random.ts';

export type TokenKind = 'tenant' | 'app' | 'user';

export type TokenRecord = {
  readonly token: string;
  readonly kind: TokenKind;
  readonly appId: string;
  /** Tenant tokens and user tokens belong to a tenant; store-app app tokens do not. */
  readonly tenantKey: string | undefined;
  /** For user tokens. */
  readonly userId: string | undefined;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Self-built apps' app_access_token is the tenant token itself. */
  readonly alsoAppToken: boolean;
  invalidated: boolean;
};

export const TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** While this much lifetime remains, asking again returns the same token (auth v3 docs). */
export const TOKEN_REUSE_MS = 30 * 60 * 1000;

export type TokenStore = {
  /** Returns the current app/tenant token, or a new one when < 30 min remain (both stay valid). */
  issue(kind: 'tenant' | 'app', appId: string, tenantKey: string | undefined, options?: { alsoAppToken?: boolean }): TokenRecord;
  issueUser(appId: string, tenantKey: string, userId: string, scopes: readonly string[], token: string, lifetimeMs: number): TokenRecord;
  /** A valid (known, unexpired, not invalidated) token, or the reason it is not. */
  lookup(token: string): { record: TokenRecord } | { problem: 'unknown' | 'expired' | 'invalidated' };
  /** Invalidates the app's current tokens (fault injection: the next call gets 99991663). */
  invalidate(appId: string): number;
  /** Seconds left, for the `expire` field. */
  secondsLeft(record: TokenRecord): number;
  revokeUserTokens(appId: string, userId: string): void;
};

export function createTokenStore(clock: Clock, random: Random): TokenStore {
  const byToken = new Map<string, TokenRecord>();
  const current = new Map<string, TokenRecord>();

  const evictExpired = () => {
    const now = clock.now();
    for (const [token, record] of byToken) if (record.expiresAt <= now) byToken.delete(token);
  };
  let issuedSinceSweep = 0;

  return {
    issue(kind, appId, tenantKey, options = {}) {
      const key = `${kind}:${appId}:${tenantKey ?? ''}`;
      const now = clock.now();
      const existing = current.get(key);
      if (existing !== undefined && !existing.invalidated && existing.expiresAt - now >= TOKEN_REUSE_MS) return existing;
      const record: TokenRecord = {
        token: `${kind === 'app' ? 'a' : 't'}-${random.hex(40)}`,
        kind,
        appId,
        tenantKey,
        userId: undefined,
        scopes: [],
        issuedAt: now,
        expiresAt: now + TOKEN_LIFETIME_MS,
        alsoAppToken: options.alsoAppToken ?? false,
        invalidated: false,
      };
      byToken.set(record.token, record);
      current.set(key, record);
      if ((issuedSinceSweep += 1) >= 1000) {
        issuedSinceSweep = 0;
        evictExpired();
      }
      return record;
    },
    issueUser(appId, tenantKey, userId, scopes, token, lifetimeMs) {
      const now = clock.now();
      const record: TokenRecord = { token, kind: 'user', appId, tenantKey, userId, scopes, issuedAt: now, expiresAt: now + lifetimeMs, alsoAppToken: false, invalidated: false };
      byToken.set(token, record);
      return record;
    },
    lookup(token) {
      const record = byToken.get(token);
      if (record === undefined) return { problem: 'unknown' };
      if (record.invalidated) return { problem: 'invalidated' };
      if (record.expiresAt <= clock.now()) return { problem: 'expired' };
      return { record };
    },
    invalidate(appId) {
      let count = 0;
      for (const record of byToken.values()) {
        if (record.appId === appId && record.kind !== 'user' && !record.invalidated) {
          record.invalidated = true;
          count += 1;
        }
      }
      return count;
    },
    secondsLeft: (record) => Math.max(0, Math.ceil((record.expiresAt - clock.now()) / 1000)),
    revokeUserTokens(appId, userId) {
      for (const record of byToken.values()) if (record.kind === 'user' && record.appId === appId && record.userId === userId) record.invalidated = true;
    },
  };
}
