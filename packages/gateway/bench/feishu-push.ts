import { signedPush } from '../test/support/feishu-push.ts';

export type FeishuPush = { readonly body: string; readonly headers: Readonly<Record<string, string>> };

/**
 * Encrypts and signs `plaintext` as Feishu pushes an event (platform doc §3.2–3.3), stamped at
 * `nowMs`, with the content length the load generator sends. The body is compact JSON because
 * the SDK signs `JSON.stringify` of the parsed body, not the bytes received.
 */
export function feishuPush(encryptKey: string, plaintext: string, nowMs: number = Date.now()): FeishuPush {
  const { body, headers } = signedPush(encryptKey, plaintext, { timestamp: String(Math.floor(nowMs / 1000)) });
  return { body, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
}
