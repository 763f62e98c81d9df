import { randomBytes } from 'node:crypto';

/**
 * A new signing secret in the Standard Webhooks format: `whsec_` and 32 random bytes in base64,
 * which receivers pass as is to their verification library.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
