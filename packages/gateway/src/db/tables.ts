import type { Generated } from 'kysely';
import type { DirectoryTables } from '../directory/directory-tables.ts';
import type { WebhookDeliveriesTable, WebhookSubscriptionsTable } from '../webhooks/webhook-tables.ts';

/**
 * The typed view of every table, for Kysely. Each capability adds its tables here together with
 * the migration that creates them.
 */
export type Tables = DirectoryTables & {
  gateway_installation: GatewayInstallationTable;
  feishu_tokens: FeishuTokensTable;
  feishu_app_tickets: FeishuAppTicketsTable;
  rate_limits: RateLimitsTable;
  event_inbox: EventInboxTable;
  api_keys: ApiKeysTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
};

export type GatewayInstallationTable = {
  /** Always true: the table holds exactly one row. */
  singleton: Generated<boolean>;
  installation_id: string;
  /** The installation id sealed with the secret key, to detect a wrong key at start-up. */
  key_check: string;
  created_at: Generated<Date>;
};

/** A Feishu access token shared by every instance, with its refresh lease (migration 0002). */
export type FeishuTokensTable = {
  connection: string;
  kind: 'tenant' | 'app';
  /** '' for a self-built app's tenant token and for a store app's app token. */
  tenant_key: string;
  app_id: string;
  /** The token sealed with the secret key; null before the first fetch and after invalidation. */
  sealed_token: string | null;
  expires_at: Date | null;
  /** While in the future, the instance `refreshed_by` is fetching a new token. */
  refreshing_until: Date | null;
  refreshed_by: string | null;
  updated_at: Generated<Date>;
};

/** A store app's latest `app_ticket`, sealed (migration 0002). */
export type FeishuAppTicketsTable = {
  connection: string;
  app_id: string;
  sealed_ticket: string;
  updated_at: Generated<Date>;
};

/** Counters of the outbound rate governor, owned by rate-limiter-flexible (migration 0003). */
export type RateLimitsTable = {
  key: string;
  points: number;
  /** Epoch milliseconds; null for a counter that never expires. */
  expire: string | null;
};

export type EventInboxTable = {
  id: Generated<string>;
  connection: string;
  event_id: string;
  event_type: string;
  schema: string;
  tenant_key: string | null;
  created_at: Date;
  received_at: Generated<Date>;
  transport: 'http' | 'websocket';
  sealed_payload: string;
  status: Generated<'pending' | 'handled' | 'failed' | 'dead'>;
  attempts: Generated<number>;
  last_error: string | null;
  handled_at: Date | null;
};

/** An API key for `/api/v1`, stored as the SHA-256 of the key (migration 0005). */
export type ApiKeysTable = {
  id: Generated<string>;
  name: string;
  scopes: string[];
  key_hash: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
