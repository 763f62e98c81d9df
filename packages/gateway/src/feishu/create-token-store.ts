import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FeishuConnectionConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { openSecret, sealSecret, type Keyring } from '../secrets/index.ts';
import { createAppTickets } from './create-app-tickets.ts';
import { createTokenFetcher, type FetchedToken } from './create-token-fetcher.ts';
import { createTokenRepository, type TokenKey, type TokenRow } from './create-token-repository.ts';
import { refusedWith } from './token-refused.ts';
import type { TokenRequestOptions, TokenScope, TokenStore } from './token-store.ts';

export type CreateTokenStoreDeps = {
  readonly database: Database;
  readonly keyring: Keyring;
  readonly logger: Logger;
  readonly connection: (name: string) => FeishuConnectionConfig | undefined;
  /** Epoch ms; defaults to `Date.now`. Token expiry and leases are measured on this clock. */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  /** A token with less than this left is refreshed. Default 300 (any value under Feishu's 30 min works). */
  readonly refreshMarginSeconds?: number;
  /** Per request to a token endpoint. Default 5,000. */
  readonly requestTimeoutMs?: number;
  /** How long a call may take when it names no deadline. Default 15,000. */
  readonly defaultWaitMs?: number;
  /** How often a caller waiting for another instance's refresh looks again. Default 50. */
  readonly pollIntervalMs?: number;
  /** At most one `app_ticket/resend` per connection per this many ms from this instance. Default 10,000. */
  readonly ticketResendIntervalMs?: number;
};

type Opened = FetchedToken & { readonly sealed: string };

// While another instance fetches, a token with this much life left still serves: Feishu keeps the
// old token valid after issuing the next one (platform doc §1.1).
const STILL_USABLE_MS = 60_000;
// After a failed early refresh, the next attempt waits this long while the current token serves.
const REFRESH_BACKOFF_MS = 5_000;

/**
 * The token store shared by every gateway instance (issue 5). A call is answered from the
 * in-process cache, else from the `feishu_tokens` row, else by the one instance that wins the
 * row's refresh lease and fetches from Feishu while the others poll the row. Concurrent calls in
 * one process share a single lookup. No transaction spans the HTTP request.
 *
 * @example
 * const tokens = createTokenStore({ database, keyring, logger, connection: (name) => connections.get(name) });
 * const token = await tokens.tenantToken({ connection: 'default', tenantKey: undefined });
 */
export function createTokenStore(deps: CreateTokenStoreDeps): TokenStore {
  const now = deps.now ?? Date.now;
  const marginMs = (deps.refreshMarginSeconds ?? 300) * 1000;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 5_000;
  const defaultWaitMs = deps.defaultWaitMs ?? 15_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 50;
  // Long enough for a store app's two requests plus a wait for the app token's own lease; a
  // holder that dies is replaced once it lapses.
  const leaseMs = 3 * requestTimeoutMs + 5_000;
  const repository = createTokenRepository(deps.database);
  const fetcher = createTokenFetcher({ fetch: deps.fetch ?? fetch, now, requestTimeoutMs });
  const logger = deps.logger;
  const tickets = createAppTickets({ repository, fetcher, keyring: deps.keyring, logger, now, resendIntervalMs: deps.ticketResendIntervalMs ?? 10_000 });
  // Names this instance's leases in `refreshed_by`, for an operator looking at a stuck refresh.
  const instanceId = randomUUID();
  let leaseCount = 0;
  const cache = new Map<string, FetchedToken & { readonly appId: string }>();
  const flights = new Map<string, Promise<string>>();
  // Tokens Feishu refused (99991663 and kin), per key: never served again, even if a read of the
  // row raced the invalidation and found them there.
  const refused = new Map<string, Set<string>>();
  const isRefused = (id: string, value: string) => refused.get(id)?.has(value) === true;
  // When a refresh last failed, per key: while the stored token still serves, the next attempt
  // waits a little instead of hitting a failing token endpoint on every call.
  const failedAt = new Map<string, number>();
  const counters = { hits: 0, misses: 0, refreshes: 0, failures: 0 };
  let closed = false;

  const connectionOf = (name: string): FeishuConnectionConfig => {
    const found = deps.connection(name);
    if (found === undefined) throw new GatewayError('feishu.unknown_connection', `no Feishu connection is named "${name}"`, { details: { connection: name } });
    return found;
  };

  const tenantKeyOf = (config: FeishuConnectionConfig, scope: TokenScope): TokenKey => {
    if (config.appType === 'self_built') return { connection: config.name, kind: 'tenant', tenantKey: '' };
    if (scope.tenantKey === undefined || scope.tenantKey === '') {
      throw new GatewayError('feishu.token_unavailable', `connection "${config.name}" is a store app: a tenant token needs a tenant_key`, {
        details: { connection: config.name, retryable: false },
      });
    }
    return { connection: config.name, kind: 'tenant', tenantKey: scope.tenantKey };
  };

  const appKeyOf = (config: FeishuConnectionConfig): TokenKey => ({ connection: config.name, kind: 'app', tenantKey: '' });

  const logFields = (key: TokenKey) => ({ connection: key.connection, kind: key.kind, ...(key.tenantKey === '' ? {} : { tenantKey: key.tenantKey }) });

  const deadlineOf = (options: TokenRequestOptions | undefined) => options?.deadline ?? now() + defaultWaitMs;

  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closed) throw new GatewayError('feishu.token_unavailable', 'the token store is closed', { details: { retryable: false } });
    try {
      return await work();
    } catch (error) {
      counters.failures += 1;
      throw error;
    }
  };

  /** A row's token, opened, if it belongs to the connection's current App ID. */
  const openStored = (key: TokenKey, config: FeishuConnectionConfig, row: TokenRow | undefined): Opened | undefined => {
    if (row === undefined || row.sealedToken === null || row.expiresAt === null || row.appId !== config.appId) return undefined;
    try {
      return { token: openSecret(deps.keyring, row.sealedToken, tokenContext(key, config.appId)), expiresAt: row.expiresAt, sealed: row.sealedToken };
    } catch (error) {
      // A token can always be fetched again: report the bad row and replace it.
      logger.warn({ ...logFields(key), code: isGatewayError(error) ? error.code : undefined }, 'stored Feishu token could not be opened; fetching a new one');
      return undefined;
    }
  };

  const remember = (key: TokenKey, config: FeishuConnectionConfig, token: FetchedToken) => {
    if (!isRefused(cacheId(key), token.token)) cache.set(cacheId(key), { token: token.token, expiresAt: token.expiresAt, appId: config.appId });
  };

  const token = async (key: TokenKey, config: FeishuConnectionConfig, deadline: number): Promise<string> => {
    const id = cacheId(key);
    const cached = cache.get(id);
    if (cached !== undefined && cached.appId === config.appId && cached.expiresAt - now() > marginMs) {
      counters.hits += 1;
      return cached.token;
    }
    counters.misses += 1;
    // A flight that found a token refused meanwhile is followed by one more.
    for (let round = 0; ; round += 1) {
      let flight = flights.get(id);
      if (flight === undefined) {
        flight = load(key, config, deadline).finally(() => flights.delete(id));
        flights.set(id, flight);
      }
      // Joining another caller's flight must not outlast this caller's own deadline.
      const value = await withinDeadline(flight, deadline - now(), () => unavailable(key, 'the token was not fetched in time'));
      if (!isRefused(id, value) || round > 0) return value;
    }
  };

  const load = async (key: TokenKey, config: FeishuConnectionConfig, deadline: number): Promise<string> => {
    for (;;) {
      const row = await repository.read(key);
      const opened = openStored(key, config, row);
      const stored = opened !== undefined && !isRefused(cacheId(key), opened.token) ? opened : undefined;
      const at = now();
      if (stored !== undefined && stored.expiresAt - at > marginMs) {
        remember(key, config, stored);
        return stored.token;
      }
      const usable = stored !== undefined && stored.expiresAt - at > STILL_USABLE_MS;
      const backingOff = usable && at - (failedAt.get(cacheId(key)) ?? 0) < REFRESH_BACKOFF_MS;
      if (!backingOff && (row === undefined || row.refreshingUntil === null || row.refreshingUntil <= at)) {
        const leaseId = `${instanceId}/${(leaseCount += 1)}`;
        const lease = { appId: config.appId, leaseId, now: at, until: at + leaseMs, seenSealed: row?.sealedToken ?? null };
        if (await repository.takeLease(key, lease)) {
          try {
            return await refresh(key, config, leaseId, deadline);
          } catch (error) {
            // An early refresh failed, but the token in hand is still good: serve it, try later.
            if (!usable) throw error;
            failedAt.set(cacheId(key), at);
            logger.warn({ ...logFields(key), code: isGatewayError(error) ? error.code : undefined, feishuCode: isGatewayError(error) ? error.details?.['code'] : undefined }, 'early Feishu token refresh failed; the current token still serves');
            return stored.token;
          }
        }
      }
      if (usable) return stored.token;
      if (closed || at + pollIntervalMs > deadline) throw unavailable(key, 'another instance is fetching it');
      await sleep(pollIntervalMs);
    }
  };

  const refresh = async (key: TokenKey, config: FeishuConnectionConfig, leaseId: string, deadline: number): Promise<string> => {
    try {
      const fetched = await fetchFromFeishu(key, config, deadline);
      const sealedToken = sealSecret(deps.keyring, fetched.token, tokenContext(key, config.appId));
      const written = await repository.writeToken(key, { appId: config.appId, leaseId, sealedToken, expiresAt: fetched.expiresAt });
      counters.refreshes += 1;
      // `written` is false when the lease lapsed and another instance took over; this token is
      // still valid, so it serves here, and the other instance stores its own.
      logger.info({ ...logFields(key), expiresAt: new Date(fetched.expiresAt).toISOString(), stored: written }, 'Feishu access token refreshed');
      remember(key, config, fetched);
      return fetched.token;
    } catch (error) {
      try {
        await repository.releaseLease(key, leaseId);
      } catch (releaseError) {
        logger.warn({ ...logFields(key), err: releaseError }, 'could not release the token refresh lease; it lapses by itself');
      }
      throw error;
    }
  };

  const fetchFromFeishu = async (key: TokenKey, config: FeishuConnectionConfig, deadline: number): Promise<FetchedToken> => {
    if (key.kind === 'app') return await tickets.storeAppToken(config, deadline);
    if (config.appType === 'self_built') return await fetcher.selfBuiltTenantToken(config, deadline);
    const appKey = appKeyOf(config);
    const appToken = await token(appKey, config, deadline);
    try {
      return await fetcher.storeTenantToken(config, appToken, key.tenantKey, deadline);
    } catch (error) {
      // 99991664: the app token was revoked before its expiry. One fresh app token, one retry.
      if (!refusedWith(error, 99991664)) throw error;
      await forget(appKey, config, appToken);
      return await fetcher.storeTenantToken(config, await token(appKey, config, deadline), key.tenantKey, deadline);
    }
  };

  const unavailable = (key: TokenKey, reason: string) =>
    new GatewayError('feishu.token_unavailable', `no fresh token for connection "${key.connection}" in time: ${reason}`, { details: { ...logFields(key), retryable: true } });

  const forget = async (key: TokenKey, config: FeishuConnectionConfig, stale: string): Promise<void> => {
    const id = cacheId(key);
    const refusedHere = refused.get(id) ?? new Set<string>();
    refusedHere.add(stale);
    // A few per key are plenty: a refused token is replaced at once.
    if (refusedHere.size > 8) refusedHere.delete(refusedHere.values().next().value as string);
    refused.set(id, refusedHere);
    if (cache.get(id)?.token === stale) cache.delete(id);
    const row = await repository.read(key);
    const stored = openStored(key, config, row);
    // Compare-and-clear on the sealed value read: a newer token written since stays.
    if (stored?.token === stale && (await repository.dropToken(key, stored.sealed))) logger.info(logFields(key), 'Feishu access token dropped');
  };

  return {
    tenantToken: (scope, options) =>
      counted(async () => {
        const config = connectionOf(scope.connection);
        return await token(tenantKeyOf(config, scope), config, deadlineOf(options));
      }),

    appToken: (connection, options) =>
      counted(async () => {
        const config = connectionOf(connection);
        // A self-built app's app_access_token is its tenant token (auth v3 app_access_token_internal).
        if (config.appType === 'self_built') return await token(tenantKeyOf(config, { connection, tenantKey: undefined }), config, deadlineOf(options));
        return await token(appKeyOf(config), config, deadlineOf(options));
      }),

    invalidate: (scope, stale) =>
      counted(async () => {
        const config = connectionOf(scope.connection);
        await forget(tenantKeyOf(config, scope), config, stale);
      }),

    saveAppTicket: (connection, ticket) => counted(async () => await tickets.save(connectionOf(connection), ticket)),

    appTicket: async (connection) => (await tickets.read(connectionOf(connection)))?.value,

    stats: () => ({ ...counters }),

    async close() {
      closed = true;
      await Promise.allSettled([...flights.values()]);
      cache.clear();
    },
  };
}

function cacheId(key: TokenKey): string {
  return JSON.stringify([key.connection, key.kind, key.tenantKey]);
}

// Bound into each ciphertext as AAD: a sealed token copied to another row does not open.
function tokenContext(key: TokenKey, appId: string): string {
  return `feishu_tokens:${JSON.stringify([key.connection, appId, key.kind, key.tenantKey])}`;
}


/** `flight`, or `onTimeout()`'s error once `remainingMs` have passed, whichever comes first. */
async function withinDeadline<T>(flight: Promise<T>, remainingMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, remainingMs));
  });
  try {
    return await Promise.race([flight, expired]);
  } finally {
    clearTimeout(timer);
  }
}
