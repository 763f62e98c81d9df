export { createWebhooks, defaultWebhookTiming, type Webhooks, type WebhookTiming } from './create-webhooks.ts';
export { createWebhookSubscriptions, type CreateWebhookInput, type WebhookDelivery, type WebhookSubscription, type WebhookSubscriptions } from './create-webhook-subscriptions.ts';
export { addWebhooksApiRoutes } from './add-webhooks-api-routes.ts';
export { webhooksApiDescription } from './webhooks-api-description.ts';
export { parseWebhooksCommand, runWebhooksCommand, type WebhooksCommand, type WebhooksFlags } from './webhooks-command.ts';
export { matchesEventType, parseEventPatterns, webhookEventTypes } from './event-patterns.ts';
export { resolveDestination, systemLookup, type Destination, type LookupAddresses } from './resolve-destination.ts';
export { DELIVER_JOB_NAME, type DeliverData } from './create-deliver-job.ts';
