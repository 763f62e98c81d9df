import { createHmac, timingSafeEqual } from 'node:crypto';

/** A signed custom-bot request may be at most an hour away from the server clock. */
export const HOOK_TIMESTAMP_TOLERANCE_S = 60 * 60;

/**
 * The `sign` of a custom-bot request: base64(HMAC-SHA256(key = `timestamp + "\n" + secret`,
 * message = "")). The string is the HMAC *key* and the message is empty (platform doc §7.4).
 *
 * @example
 * hookSign('1599360473', 'demo-secret') // '3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s='
 */
export function hookSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/**
 * Whether a custom-bot request carries a fresh, correct signature. Fails closed: a missing or
 * non-numeric timestamp or a missing sign is a failure. `nowMs` is the emulated clock.
 */
export function verifyHookSignature(input: { timestamp: unknown; sign: unknown; secret: string; nowMs: number }): boolean {
  const timestamp = typeof input.timestamp === 'number' ? String(input.timestamp) : input.timestamp;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp) || typeof input.sign !== 'string') return false;
  if (Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp)) > HOOK_TIMESTAMP_TOLERANCE_S) return false;
  const expected = Buffer.from(hookSign(timestamp, input.secret));
  const given = Buffer.from(input.sign);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
