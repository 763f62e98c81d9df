/** Where a token is for: a self-built app's tenant (`tenantKey` undefined), or a store app's tenant. */
export type TokenScope = { readonly connection: string; readonly tenantKey: string | undefined };

/**
 * Tenant and app access tokens shared by every gateway instance: kept (encrypted) in the
 * database with an in-process cache in front, refreshed by one instance at a time a few minutes
 * before they expire.
 */
export type TokenStore = {
  /** A tenant_access_token valid for at least the refresh margin; fetches one if needed. */
  tenantToken(scope: TokenScope): Promise<string>;
  /** Forgets `token` (only if it is still the current one), so the next call fetches a fresh one. */
  invalidate(scope: TokenScope, token: string): Promise<void>;
  /** Stores a store app's `app_ticket` (from the `app_ticket` event), encrypted. */
  saveAppTicket(connection: string, ticket: string): Promise<void>;
  close(): Promise<void>;
};
