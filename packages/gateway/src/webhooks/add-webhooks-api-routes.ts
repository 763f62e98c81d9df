import type { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../api-keys/index.ts';
import { decodeIdCursor, encodeIdCursor, queryInteger, readJsonBody, readQuery, type AppEnv } from '../http/index.ts';
import type { WebhookDelivery, WebhookSubscription, WebhookSubscriptions } from './create-webhook-subscriptions.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
// Tags the page cursors of the delivery log (see id-cursor.ts).
const CURSOR_TAG = 'd';

// The shape only; the subscription store checks the values (webhooks.invalid).
export const createWebhookSchema = z
  .object({
    url: z.string().max(4096),
    events: z.array(z.string().max(100)).max(100),
    connection: z.string().max(200).nullable().optional(),
  })
  .strict();

export const updateWebhookSchema = z.object({ enabled: z.boolean() }).strict();

export const deliveriesQuerySchema = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' }).optional(),
    limit: queryInteger(1, MAX_LIMIT).optional(),
    cursor: z.string().max(100).optional(),
  })
  .strict();

/**
 * The webhooks admin API (issue 7, item 6), mounted under the API-key middleware of
 * `addApiRoutes`, every route needing `webhooks:manage`: create (the answer is the only place
 * the signing secret ever appears), list, get, enable/disable, delete, and the delivery log.
 */
export function addWebhooksApiRoutes(deps: { subscriptions: WebhookSubscriptions }): (app: Hono<AppEnv>) => void {
  const { subscriptions } = deps;
  return (app) => {
    app.post('/api/v1/webhooks', requireScope('webhooks:manage'), async (c) => {
      const input = await readJsonBody(c, createWebhookSchema);
      const { subscription, secret } = await subscriptions.create({ url: input.url, events: input.events, connection: input.connection ?? undefined });
      c.get('logger').info({ webhookId: subscription.id, events: subscription.events, apiKey: c.get('apiKey').id }, 'webhook created');
      return c.json({ ...toJson(subscription), secret }, 201);
    });

    app.get('/api/v1/webhooks', requireScope('webhooks:manage'), async (c) => {
      return c.json({ items: (await subscriptions.list()).map(toJson) });
    });

    app.get('/api/v1/webhooks/:id', requireScope('webhooks:manage'), async (c) => {
      return c.json(toJson(await subscriptions.get(c.req.param('id'))));
    });

    app.patch('/api/v1/webhooks/:id', requireScope('webhooks:manage'), async (c) => {
      const { enabled } = await readJsonBody(c, updateWebhookSchema);
      const subscription = await subscriptions.setEnabled(c.req.param('id'), enabled);
      c.get('logger').info({ webhookId: subscription.id, enabled, apiKey: c.get('apiKey').id }, enabled ? 'webhook enabled' : 'webhook disabled');
      return c.json(toJson(subscription));
    });

    app.delete('/api/v1/webhooks/:id', requireScope('webhooks:manage'), async (c) => {
      const id = c.req.param('id');
      await subscriptions.remove(id);
      c.get('logger').info({ webhookId: id, apiKey: c.get('apiKey').id }, 'webhook deleted');
      return c.body(null, 204);
    });

    app.get('/api/v1/webhooks/:id/deliveries', requireScope('webhooks:manage'), async (c) => {
      const { status, limit = DEFAULT_LIMIT, cursor } = readQuery(c, deliveriesQuerySchema);
      // One row more than asked says whether another page follows.
      const rows = await subscriptions.deliveries(c.req.param('id'), {
        limit: limit + 1,
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { beforeId: decodeIdCursor(CURSOR_TAG, cursor) }),
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return c.json({ items: items.map(deliveryJson), next_cursor: rows.length > limit && last !== undefined ? encodeIdCursor(CURSOR_TAG, last.id) : null });
    });
  };
}

export function toJson(subscription: WebhookSubscription) {
  return {
    id: subscription.id,
    url: subscription.url,
    events: subscription.events,
    connection: subscription.connection ?? null,
    enabled: subscription.enabled,
    created_at: subscription.createdAt.toISOString(),
  };
}

export function deliveryJson(delivery: WebhookDelivery) {
  const time = (date: Date | undefined) => date?.toISOString() ?? null;
  return {
    id: delivery.id,
    message_id: delivery.messageId,
    change_id: delivery.changeId,
    event_type: delivery.eventType,
    entity_key: delivery.entityKey,
    status: delivery.status,
    attempts: delivery.attempts,
    last_status: delivery.lastStatus ?? null,
    last_error: delivery.lastError ?? null,
    created_at: delivery.createdAt.toISOString(),
    last_attempt_at: time(delivery.lastAttemptAt),
    next_attempt_at: time(delivery.nextAttemptAt),
    finished_at: time(delivery.finishedAt),
  };
}
