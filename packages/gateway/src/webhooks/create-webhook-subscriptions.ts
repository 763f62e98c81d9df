import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { sealSecret, type Keyring } from '../secrets/index.ts';
import { parseAllowedHosts } from './allowed-hosts.ts';
import { parseEventPatterns } from './event-patterns.ts';
import { generateWebhookSecret } from './generate-webhook-secret.ts';
import { resolveDestination, systemLookup, type LookupAddresses } from './resolve-destination.ts';
import type { WebhookDeliveryStatus } from './webhook-tables.ts';

/** A subscription as shown to its managers: everything but the secret. */
export type WebhookSubscription = {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  /** Only changes of this connection; undefined for all. */
  readonly connection: string | undefined;
  readonly enabled: boolean;
  readonly createdAt: Date;
};

/** One entry of a subscription's delivery log; never the payload (it carries personal data). */
export type WebhookDelivery = {
  readonly id: string;
  readonly messageId: string;
  readonly changeId: string;
  readonly eventType: string;
  readonly entityKey: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** When a pending delivery is tried next (or, while an attempt runs, when its lease ends). */
  readonly nextAttemptAt: Date | undefined;
  readonly lastAttemptAt: Date | undefined;
  readonly lastStatus: number | undefined;
  readonly lastError: { readonly code: string; readonly message: string } | undefined;
  readonly createdAt: Date;
  readonly finishedAt: Date | undefined;
};

export type CreateWebhookInput = { readonly url: string; readonly events: readonly string[]; readonly connection?: string | undefined };

export type WebhookSubscriptions = {
  /**
   * Creates an enabled subscription after checking its URL with the SSRF guard. `secret` is
   * returned this once; it is stored sealed. Rejects with `webhooks.invalid`,
   * `webhooks.destination_forbidden` or `webhooks.destination_unresolvable`.
   */
  create(input: CreateWebhookInput): Promise<{ subscription: WebhookSubscription; secret: string }>;
  /** Oldest first. */
  list(): Promise<WebhookSubscription[]>;
  /** Rejects with `webhooks.not_found`. */
  get(id: string): Promise<WebhookSubscription>;
  /** A disabled subscription gets no new deliveries, and its pending ones wait until it is enabled again. */
  setEnabled(id: string, enabled: boolean): Promise<WebhookSubscription>;
  /** Removes the subscription, its secret and its delivery log. Rejects with `webhooks.not_found`. */
  remove(id: string): Promise<void>;
  /** The delivery log, newest first; `beforeId` pages on. Rejects with `webhooks.not_found`. */
  deliveries(id: string, filter: { status?: WebhookDeliveryStatus; beforeId?: string; limit: number }): Promise<WebhookDelivery[]>;
};

const MAX_URL_LENGTH = 2048;
const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The additional data a subscription's secret is sealed with: a sealed secret copied to another row does not open. */
export function secretContextOf(id: string): string {
  return `webhooks:${id}:secret`;
}

/**
 * Webhook subscriptions in the database (issue 7, item 6): what the admin API and the
 * `feishu-gateway webhooks` command manage. `onChange` runs after every write, so that the
 * publisher's cache of subscriptions is dropped at once on this instance.
 */
export function createWebhookSubscriptions(deps: {
  database: Database;
  keyring: Keyring;
  /** `WEBHOOKS_ALLOWED_HOSTS`. */
  allowedHosts: readonly string[];
  lookup?: LookupAddresses;
  onChange?: () => void;
}): WebhookSubscriptions {
  const { kysely } = deps.database;
  const allowed = parseAllowedHosts(deps.allowedHosts);
  const lookup = deps.lookup ?? systemLookup;
  const changed = () => deps.onChange?.();

  async function find(id: string): Promise<WebhookSubscription> {
    const row = isId(id) ? await kysely.selectFrom('webhook_subscriptions').select(columns).where('id', '=', id).executeTakeFirst() : undefined;
    if (row === undefined) throw notFound(id);
    return toSubscription(row);
  }

  return {
    async create(input) {
      const url = parseWebhookUrl(input.url);
      const events = parseEventPatterns(input.events);
      const connection = input.connection?.trim();
      if (connection !== undefined && !CONNECTION_NAME.test(connection)) throw new GatewayError('webhooks.invalid', 'A connection filter is a connection name such as "default".');
      await resolveDestination(url, { allowed, lookup });

      const secret = generateWebhookSecret();
      // The id is taken first: the secret is sealed bound to the row that holds it.
      const { id } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('webhook_subscriptions', 'id'))::text as id`.execute(kysely).then((result) => result.rows[0] as { id: string });
      const row = await kysely
        .insertInto('webhook_subscriptions')
        .values({ id, url: url.href, event_types: events, connection: connection ?? null, sealed_secret: sealSecret(deps.keyring, secret, secretContextOf(id)) })
        .returning(columns)
        .executeTakeFirstOrThrow();
      changed();
      return { subscription: toSubscription(row), secret };
    },

    async list() {
      const rows = await kysely.selectFrom('webhook_subscriptions').select(columns).orderBy('id').execute();
      return rows.map(toSubscription);
    },

    get: find,

    async setEnabled(id, enabled) {
      const row = isId(id) ? await kysely.updateTable('webhook_subscriptions').set({ enabled }).where('id', '=', id).returning(columns).executeTakeFirst() : undefined;
      if (row === undefined) throw notFound(id);
      changed();
      return toSubscription(row);
    },

    async remove(id) {
      if (!isId(id)) throw notFound(id);
      const removed = await kysely.transaction().execute(async (transaction) => {
        const result = await transaction.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
        await transaction.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
        return result.numDeletedRows > 0n;
      });
      if (!removed) throw notFound(id);
      changed();
    },

    async deliveries(id, filter) {
      await find(id);
      let query = kysely
        .selectFrom('webhook_deliveries')
        .select(['id', 'message_id', 'change_id', 'event_type', 'entity_key', 'status', 'attempts', 'next_attempt_at', 'last_attempt_at', 'last_status', 'last_error_code', 'last_error', 'created_at', 'finished_at'])
        .where('subscription_id', '=', id);
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
      const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
      return rows.map(
        (row): WebhookDelivery => ({
          id: String(row.id),
          messageId: row.message_id,
          changeId: row.change_id,
          eventType: row.event_type,
          entityKey: row.entity_key,
          status: row.status,
          attempts: Number(row.attempts),
          nextAttemptAt: row.status === 'pending' ? new Date(row.next_attempt_at) : undefined,
          lastAttemptAt: row.last_attempt_at === null ? undefined : new Date(row.last_attempt_at),
          lastStatus: row.last_status ?? undefined,
          lastError: row.last_error_code === null ? undefined : { code: row.last_error_code, message: row.last_error ?? '' },
          createdAt: new Date(row.created_at),
          finishedAt: row.finished_at === null ? undefined : new Date(row.finished_at),
        }),
      );
    },
  };
}

/** Checks a webhook URL's form (not yet its destination). Rejects with `webhooks.invalid`. */
export function parseWebhookUrl(text: string): URL {
  const invalid = (message: string) => new GatewayError('webhooks.invalid', message);
  if (text.length > MAX_URL_LENGTH) throw invalid(`A webhook URL has at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw invalid('The webhook URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('A webhook URL must start with https:// or http://.');
  // Credentials in a URL end up in every log and list that shows it; authenticate by signature instead.
  if (url.username !== '' || url.password !== '') throw invalid('A webhook URL must not contain a user name or password.');
  url.hash = '';
  return url;
}

const columns = ['id', 'url', 'event_types', 'connection', 'enabled', 'created_at'] as const;

function toSubscription(row: { id: string | number | bigint; url: string; event_types: string[]; connection: string | null; enabled: boolean; created_at: Date }): WebhookSubscription {
  return {
    id: String(row.id),
    url: row.url,
    events: row.event_types,
    connection: row.connection ?? undefined,
    enabled: row.enabled,
    createdAt: new Date(row.created_at),
  };
}

function isId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

function notFound(id: string): GatewayError {
  return new GatewayError('webhooks.not_found', `No webhook has the id "${id.slice(0, 40)}".`);
}
