import { Webhook } from 'standardwebhooks';

/** The three headers that make a delivery verifiable by any Standard Webhooks receiver. */
export type WebhookSignatureHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/**
 * Signs one attempt of a delivery with the `standardwebhooks` package: an HMAC-SHA256 over
 * `id.timestamp.body` under the subscription's secret. The id stays the same on every attempt
 * (receivers de-duplicate on it); the timestamp is the attempt's, so that receivers' replay
 * window (5 minutes in the reference libraries) accepts a retry sent a day later.
 *
 * @example
 * const headers = signWebhook(secret, 'msg_42', new Date(), body);
 */
export function signWebhook(secret: string, messageId: string, timestamp: Date, body: string): WebhookSignatureHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, timestamp, body),
  };
}
