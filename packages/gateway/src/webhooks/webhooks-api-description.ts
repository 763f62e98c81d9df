import { z } from 'zod';
import type { ApiDescription } from '../api-docs/index.ts';
import { createWebhookSchema, deliveriesQuerySchema, type deliveryJson, type toJson, updateWebhookSchema } from './add-webhooks-api-routes.ts';

const subscriptionSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()).readonly(),
  connection: z.string().nullable(),
  enabled: z.boolean(),
  created_at: z.string(),
});

const deliverySchema = z.strictObject({
  id: z.string(),
  message_id: z.string(),
  change_id: z.string(),
  event_type: z.string(),
  entity_key: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  last_status: z.number().nullable(),
  last_error: z.strictObject({ code: z.string(), message: z.string() }).readonly().nullable(),
  created_at: z.string(),
  last_attempt_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

// Compile-time guards: the documented answers are what the routes build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const subscriptionMatches: Same<ReturnType<typeof toJson>, z.infer<typeof subscriptionSchema>> = true;
const deliveryMatches: Same<ReturnType<typeof deliveryJson>, z.infer<typeof deliverySchema>> = true;
void subscriptionMatches;
void deliveryMatches;

const idParams = z.strictObject({ id: z.string().meta({ description: 'The subscription id.' }) });

/** The webhooks admin API (add-webhooks-api-routes.ts), for `/api/v1/openapi.json`. */
export const webhooksApiDescription: ApiDescription = {
  tag: { name: 'webhooks', description: 'Change webhooks: downstream URLs subscribed to directory changes, signed per Standard Webhooks (docs/webhooks.md).' },
  schemas: { WebhookSubscription: subscriptionSchema, WebhookDelivery: deliverySchema },
  operations: [
    {
      method: 'post',
      path: '/api/v1/webhooks',
      operationId: 'createWebhook',
      summary: 'Subscribe a URL to directory changes',
      description: 'The answer carries the signing secret (`whsec_…`): the only time it is shown.',
      scope: 'webhooks:manage',
      body: createWebhookSchema,
      response: { status: 201, description: 'The subscription and its secret.', schema: subscriptionSchema.extend({ secret: z.string() }) },
      errors: ['http.malformed_body', 'http.invalid_body', 'webhooks.invalid', 'webhooks.destination_forbidden', 'webhooks.destination_unresolvable'],
    },
    { method: 'get', path: '/api/v1/webhooks', operationId: 'listWebhooks', summary: 'List subscriptions (never their secrets)', scope: 'webhooks:manage', response: { status: 200, description: 'Every subscription.', schema: z.strictObject({ items: z.array(subscriptionSchema) }) } },
    { method: 'get', path: '/api/v1/webhooks/:id', operationId: 'getWebhook', summary: 'One subscription', scope: 'webhooks:manage', params: idParams, response: { status: 200, description: 'The subscription.', schema: subscriptionSchema }, errors: ['webhooks.not_found'] },
    {
      method: 'patch',
      path: '/api/v1/webhooks/:id',
      operationId: 'updateWebhook',
      summary: 'Enable or disable a subscription',
      scope: 'webhooks:manage',
      params: idParams,
      body: updateWebhookSchema,
      response: { status: 200, description: 'The subscription.', schema: subscriptionSchema },
      errors: ['http.malformed_body', 'http.invalid_body', 'webhooks.not_found'],
    },
    { method: 'delete', path: '/api/v1/webhooks/:id', operationId: 'deleteWebhook', summary: 'Delete a subscription with its delivery log', scope: 'webhooks:manage', params: idParams, response: { status: 204, description: 'Deleted.' }, errors: ['webhooks.not_found'] },
    {
      method: 'get',
      path: '/api/v1/webhooks/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'The delivery log of a subscription, newest first',
      scope: 'webhooks:manage',
      params: idParams,
      query: deliveriesQuerySchema,
      response: { status: 200, description: 'A page of deliveries.', schema: z.strictObject({ items: z.array(deliverySchema), next_cursor: z.string().nullable() }) },
      errors: ['http.invalid_query', 'webhooks.not_found'],
    },
  ],
};
