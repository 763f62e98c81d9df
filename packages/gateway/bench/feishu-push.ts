import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export type FeishuPush = { readonly body: string; readonly headers: Readonly<Record<string, string>> };

/**
 * Encrypts and signs `plaintext` as Feishu pushes an event (platform doc §3.2–3.3): body
 * `{"encrypt": base64(IV ‖ AES-256-CBC(key = SHA-256(encrypt key), PKCS#7))}`, signature = hex
 * SHA-256(timestamp + nonce + encrypt key + body). The body is compact JSON because the SDK
 * signs `JSON.stringify` of the parsed body, not the bytes received.
 */
export function feishuPush(encryptKey: string, plaintext: string, nowMs: number = Date.now()): FeishuPush {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
  const encrypted = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
  const body = JSON.stringify({ encrypt: encrypted });
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}
