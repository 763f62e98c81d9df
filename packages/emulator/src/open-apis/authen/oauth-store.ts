import type { EmulatorState } from '../../state/emulator-state.ts';

export type PkceChallenge = { readonly value: string; readonly method: 'S256' | 'plain' };

/** An authorize request waiting on the login page for the user to pick an account (or deny). */
export type PendingAuthorization = {
  readonly id: string;
  readonly appId: string;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly scopes: readonly string[];
  readonly challenge: PkceChallenge | undefined;
  readonly expiresAt: number;
};

/** A login code: 5 minutes, single use; remembers everything the exchange must check. */
export type AuthorizationCode = {
  readonly code: string;
  readonly appId: string;
  readonly tenantKey: string;
  readonly userId: string;
  readonly redirectUri: string;
  /** Everything the user has granted this app so far (grants are cumulative). */
  readonly scopes: readonly string[];
  readonly challenge: PkceChallenge | undefined;
  readonly authorizedAt: number;
  readonly expiresAt: number;
  used: boolean;
};

/** v2 refresh tokens answer only on `authen/v2/oauth/token`, v1 (`ur-`) ones only on the v1 endpoints. */
export type RefreshRecord = {
  readonly token: string;
  readonly version: 'v1' | 'v2';
  readonly appId: string;
  readonly tenantKey: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** When the user authorized; v2 refresh stops working 365 days after it. */
  readonly authorizedAt: number;
  readonly expiresAt: number;
  status: 'active' | 'used' | 'revoked';
};

/** A user chosen ahead of time through `POST /_emulator/oauth/next-login`. */
export type PreselectedLogin = { readonly tenantKey: string; readonly userId: string } | { readonly deny: true };

export type OAuthStore = {
  readonly pending: Map<string, PendingAuthorization>;
  readonly codes: Map<string, AuthorizationCode>;
  readonly refreshTokens: Map<string, RefreshRecord>;
  /** Scopes granted so far, by `appId:tenantKey:userId`. */
  readonly grants: Map<string, Set<string>>;
  /** By app id; the key `*` applies to the next authorize request of any app. */
  readonly nextLogin: Map<string, PreselectedLogin>;
  /** Drops records long past their expiry, now and then, so a long run does not grow without bound. */
  sweep(): void;
};

export const CODE_LIFETIME_MS = 5 * 60 * 1000;
export const PENDING_LIFETIME_MS = 30 * 60 * 1000;
// Expired codes and used refresh tokens are kept a while so that a late or repeated attempt gets
// the precise code (20004 expired, 20065 / 20073 already used) rather than "not found".
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

// Keyed by the world (`state.world`): a reset starts OAuth afresh.
const stores = new WeakMap<object, OAuthStore>();

/** The OAuth records of this emulator's current world. */
export function oauthStoreOf(state: Pick<EmulatorState, 'world' | 'clock'>): OAuthStore {
  let store = stores.get(state.world);
  if (store === undefined) {
    store = createOAuthStore(() => state.clock.now());
    stores.set(state.world, store);
  }
  return store;
}

/** The key of `grants`. */
export const grantKey = (appId: string, tenantKey: string, userId: string): string => `${appId}:${tenantKey}:${userId}`;

function createOAuthStore(now: () => number): OAuthStore {
  let writesSinceSweep = 0;
  const store: OAuthStore = {
    pending: new Map(),
    codes: new Map(),
    refreshTokens: new Map(),
    grants: new Map(),
    nextLogin: new Map(),
    sweep() {
      if ((writesSinceSweep += 1) < 500) return;
      writesSinceSweep = 0;
      const horizon = now() - KEEP_AFTER_EXPIRY_MS;
      for (const [id, pending] of store.pending) if (pending.expiresAt <= now()) store.pending.delete(id);
      for (const [code, record] of store.codes) if (record.expiresAt <= horizon) store.codes.delete(code);
      for (const [token, record] of store.refreshTokens) if (record.expiresAt <= horizon) store.refreshTokens.delete(token);
    },
  };
  return store;
}
