import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

/** One token row's identity: `tenantKey` is '' for a self-built app's tenant and for app tokens. */
export type TokenKey = { readonly connection: string; readonly kind: 'tenant' | 'app'; readonly tenantKey: string };

export type TokenRow = {
  readonly appId: string;
  readonly sealedToken: string | null;
  /** Epoch ms. */
  readonly expiresAt: number | null;
  /** Epoch ms; the lease is free when null or past. */
  readonly refreshingUntil: number | null;
};

export type TicketRow = { readonly appId: string; readonly sealedTicket: string };

/** The SQL behind the token store, one statement per method, none of them holding a transaction. */
export type TokenRepository = {
  read(key: TokenKey): Promise<TokenRow | undefined>;
  /**
   * Takes the refresh lease in one statement when it is free or expired and the row still holds
   * `seenSealed` (what the caller found stale); false when another instance got there first.
   */
  takeLease(key: TokenKey, lease: { appId: string; leaseId: string; now: number; until: number; seenSealed: string | null }): Promise<boolean>;
  /** Stores a fetched token and frees the lease, if `leaseId` still holds it. */
  writeToken(key: TokenKey, token: { appId: string; leaseId: string; sealedToken: string; expiresAt: number }): Promise<boolean>;
  releaseLease(key: TokenKey, leaseId: string): Promise<void>;
  /** Empties the token only if the row still holds `sealedToken` (a newer one is kept). */
  dropToken(key: TokenKey, sealedToken: string): Promise<boolean>;
  readTicket(connection: string): Promise<TicketRow | undefined>;
  saveTicket(connection: string, ticket: TicketRow): Promise<void>;
  /** Deletes the ticket only if it is still `sealedTicket` (one saved since is kept). */
  dropTicket(connection: string, sealedTicket: string): Promise<void>;
};

/**
 * The `feishu_tokens` and `feishu_app_tickets` queries (migration 0002). Times are passed in
 * from the store's clock rather than taken from `now()` so that tests can move time.
 */
export function createTokenRepository(database: Database): TokenRepository {
  const db = database.kysely;
  const tokenRow = (key: TokenKey) =>
    db.selectFrom('feishu_tokens').where('connection', '=', key.connection).where('kind', '=', key.kind).where('tenant_key', '=', key.tenantKey);
  const updateRow = (key: TokenKey) =>
    db.updateTable('feishu_tokens').where('connection', '=', key.connection).where('kind', '=', key.kind).where('tenant_key', '=', key.tenantKey);

  return {
    async read(key) {
      const row = await tokenRow(key).select(['app_id', 'sealed_token', 'expires_at', 'refreshing_until']).executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        appId: row.app_id,
        sealedToken: row.sealed_token,
        expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime(),
        refreshingUntil: row.refreshing_until === null ? null : new Date(row.refreshing_until).getTime(),
      };
    },

    async takeLease(key, lease) {
      const now = new Date(lease.now);
      const taken = await db
        .insertInto('feishu_tokens')
        .values({
          connection: key.connection,
          kind: key.kind,
          tenant_key: key.tenantKey,
          app_id: lease.appId,
          sealed_token: null,
          expires_at: null,
          refreshing_until: new Date(lease.until),
          refreshed_by: lease.leaseId,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['connection', 'kind', 'tenant_key'])
            .doUpdateSet({ refreshing_until: new Date(lease.until), refreshed_by: lease.leaseId, updated_at: sql<Date>`now()` })
            .where((eb) =>
              eb.and([
                eb.or([eb('feishu_tokens.refreshing_until', 'is', null), eb('feishu_tokens.refreshing_until', '<=', now)]),
                lease.seenSealed === null ? eb('feishu_tokens.sealed_token', 'is', null) : eb('feishu_tokens.sealed_token', '=', lease.seenSealed),
              ]),
            ),
        )
        .returning('refreshed_by')
        .executeTakeFirst();
      return taken?.refreshed_by === lease.leaseId;
    },

    async writeToken(key, token) {
      const result = await updateRow(key)
        .set({
          app_id: token.appId,
          sealed_token: token.sealedToken,
          expires_at: new Date(token.expiresAt),
          refreshing_until: null,
          refreshed_by: null,
          updated_at: sql<Date>`now()`,
        })
        .where('refreshed_by', '=', token.leaseId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async releaseLease(key, leaseId) {
      await updateRow(key).set({ refreshing_until: null, refreshed_by: null }).where('refreshed_by', '=', leaseId).execute();
    },

    async dropToken(key, sealedToken) {
      const result = await updateRow(key)
        .set({ sealed_token: null, expires_at: null, updated_at: sql<Date>`now()` })
        .where('sealed_token', '=', sealedToken)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async readTicket(connection) {
      const row = await db.selectFrom('feishu_app_tickets').select(['app_id', 'sealed_ticket']).where('connection', '=', connection).executeTakeFirst();
      return row === undefined ? undefined : { appId: row.app_id, sealedTicket: row.sealed_ticket };
    },

    async saveTicket(connection, ticket) {
      await db
        .insertInto('feishu_app_tickets')
        .values({ connection, app_id: ticket.appId, sealed_ticket: ticket.sealedTicket })
        .onConflict((conflict) =>
          conflict.column('connection').doUpdateSet({ app_id: ticket.appId, sealed_ticket: ticket.sealedTicket, updated_at: sql<Date>`now()` }),
        )
        .execute();
    },

    async dropTicket(connection, sealedTicket) {
      await db.deleteFrom('feishu_app_tickets').where('connection', '=', connection).where('sealed_ticket', '=', sealedTicket).execute();
    },
  };
}
