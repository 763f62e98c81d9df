import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';

/**
 * Compares the Verification Token a push carries (v2 `header.token`, v1 and challenge `token`)
 * with the connection's, when the connection has one (platform doc §3.3). Both sides are hashed
 * first so the constant-time comparison neither needs equal lengths nor leaks the length. A
 * missing or non-string token is a mismatch: `events.token_invalid`.
 *
 * @example
 * checkVerificationToken(secrets.verificationToken, envelope.token)
 */
export function checkVerificationToken(expected: string | undefined, received: unknown): void {
  if (expected === undefined) return;
  if (typeof received !== 'string' || !timingSafeEqual(digest(expected), digest(received))) {
    throw new GatewayError('events.token_invalid', 'The Verification Token in the push does not match the connection\'s.');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
