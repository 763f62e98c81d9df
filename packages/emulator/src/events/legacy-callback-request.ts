import { createHash, randomBytes } from 'node:crypto';
import type { App } from '../state/types.ts';
import type { EventRequest } from './event-request.ts';

/**
 * `X-Lark-Signature` of an old-style card callback (platform doc §4.2): lowercase hex SHA-1 over
 * timestamp + nonce + Verification Token + body. The Node SDK hashes `JSON.stringify` of the
 * parsed body, so `body` must be exactly what `JSON.stringify` produced.
 *
 * @example
 * signLegacyCallback('1700000000', 'abc', app.verificationToken, body)
 */
export function signLegacyCallback(timestamp: string, nonce: string, verificationToken: string, body: string): string {
  return createHash('sha1').update(timestamp + nonce + verificationToken + body, 'utf8').digest('hex');
}

/**
 * The HTTP request of an old-style card callback ("消息卡片回传交互（旧）"): the flat body as
 * compact JSON, never encrypted, always signed with the Verification Token (§4.2). Timestamp in
 * seconds, as for events.
 */
export function legacyCallbackRequest(app: App, payload: Record<string, unknown>, nowMs: number): EventRequest {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(8).toString('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signLegacyCallback(timestamp, nonce, app.verificationToken, body),
    },
  };
}
