/** Where a token is for: a self-built app's tenant (`tenantKey` undefined), or a store app's tenant. */
export type TokenScope = { readonly connection: string; readonly tenantKey: string | undefined };

export type TokenRequestOptions = {
  /**
   * Epoch ms (on the store's clock) by which a token must be in hand; past it the call fails with a
   * retryable `feishu.token_unavailable`. Default: 15 s from the call.
   */
  readonly deadline?: number;
};

/** Counters for metrics: the cache hit rate is `hits / (hits + misses)`. */
export type TokenStoreStats = {
  /** Calls answered from the in-process cache. */
  readonly hits: number;
  /** Calls that had to look further (the database, another caller's refresh, or Feishu). */
  readonly misses: number;
  /** Tokens fetched from Feishu by this instance (tenant and app tokens). */
  readonly refreshes: number;
  /** Calls that ended in an error. */
  readonly failures: number;
};

/**
 * Tenant and app access tokens shared by every gateway instance: kept (encrypted) in the
 * database with an in-process cache in front, refreshed by one instance at a time a few minutes
 * before they expire.
 */
export type TokenStore = {
  /** A tenant_access_token valid for at least the refresh margin; fetches one if needed. */
  tenantToken(scope: TokenScope, options?: TokenRequestOptions): Promise<string>;
  /**
   * An app_access_token: a store app's (obtained with its stored `app_ticket`), or for a
   * self-built app its tenant token, which Feishu issues as the app token too (auth v3 docs).
   */
  appToken(connection: string, options?: TokenRequestOptions): Promise<string>;
  /** Forgets `token` (only if it is still the current one), so the next call fetches a fresh one. */
  invalidate(scope: TokenScope, token: string): Promise<void>;
  /** Stores a store app's `app_ticket` (from the `app_ticket` event), encrypted. */
  saveAppTicket(connection: string, ticket: string): Promise<void>;
  /** The stored `app_ticket` of a store app, if one was received. */
  appTicket(connection: string): Promise<string | undefined>;
  stats(): TokenStoreStats;
  /** Waits for refreshes in flight and empties the cache; the database is left open. */
  close(): Promise<void>;
};
