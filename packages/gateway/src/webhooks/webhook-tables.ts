import type { Generated } from 'kysely';

/**
 * A downstream URL subscribed to directory changes (migration 0007). The signing secret is kept
 * sealed with the gateway's secret key: it must be recovered to sign every delivery.
 */
export type WebhookSubscriptionsTable = {
  id: Generated<string>;
  url: string;
  /** Patterns: `user.updated`, `user.*`, `*`. */
  event_types: string[];
  /** Only changes of this connection; null for every connection. */
  connection: string | null;
  /** `whsec_…`, sealed with the context `webhooks:<id>:secret`. */
  sealed_secret: string;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
};

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One change to send to one subscription, and its delivery log (migration 0007). The pending
 * deliveries of one (subscription, entity) are a queue: only the oldest is ever sent.
 */
export type WebhookDeliveriesTable = {
  id: Generated<string>;
  subscription_id: string;
  /** The `webhook-id` header: the same on every attempt. */
  message_id: string;
  /** The directory change log id. */
  change_id: string;
  event_type: string;
  /** `connection/tenant_key/entity/entity_id`: the unit of ordering. */
  entity_key: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  /** When the head of its queue may next be tried; while an attempt runs, the end of its lease. */
  next_attempt_at: Generated<Date>;
  last_attempt_at: Date | null;
  /** The HTTP status of the last attempt, when one was received. */
  last_status: number | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: Generated<Date>;
  /** When it was delivered or given up. */
  finished_at: Date | null;
};
