import { createCipheriv, createHash, randomBytes } from 'node:crypto';

// Builds pushes the way Feishu sends them, written here from the platform doc rather than taken
// from the gateway or the emulator, so that tests check the gateway against an independent
// implementation. Each piece is exported: tests of broken requests build on the parts.

export type SignatureHeaders = { 'x-lark-request-timestamp': string; 'x-lark-request-nonce': string; 'x-lark-signature': string };

/** A request body with the headers Feishu sends it with. */
export type SignedRequest = { body: string; headers: SignatureHeaders & { 'content-type': 'application/json' } };

export type SignOptions = {
  /** Epoch seconds as text; now unless given. */
  readonly timestamp?: string;
  /** Random hex unless given. */
  readonly nonce?: string;
  /** SHA-256 for events and v2 card callbacks; SHA-1 for old-style card callbacks (§4.2). */
  readonly algorithm?: 'sha256' | 'sha1';
};

/**
 * `base64(IV ‖ AES-256-CBC(key = SHA-256(encrypt key), plaintext))`, as in the `encrypt` field of
 * a push (platform doc §3.2). `iv` makes it reproducible (seeded fuzzing); `padding: false` drops
 * PKCS#7, for ciphertexts that must not decrypt cleanly, and then the plaintext must fill whole blocks.
 *
 * @example
 * const body = JSON.stringify({ encrypt: encryptForFeishu(app.encryptKey, JSON.stringify(envelope)) });
 */
export function encryptForFeishu(encryptKey: string, plaintext: string | Uint8Array, options: { iv?: Uint8Array; padding?: boolean } = {}): string {
  const iv = options.iv ?? randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
  cipher.setAutoPadding(options.padding ?? true);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return Buffer.concat([iv, cipher.update(data), cipher.final()]).toString('base64');
}

/**
 * The `x-lark-*` headers for `body`: signature = hex digest of timestamp + nonce + secret + the
 * raw body bytes (§3.3). The secret is the Encrypt Key, or the Verification Token for old-style
 * card callbacks.
 */
export function signatureHeaders(secret: string, body: string | Uint8Array, options: SignOptions = {}): SignatureHeaders {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const signature = createHash(options.algorithm ?? 'sha256').update(timestamp + nonce + secret).update(body).digest('hex');
  return { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
}

/** `body` as sent with a JSON content type and its signature headers. */
export function signedRequest(secret: string, body: string, options: SignOptions = {}): SignedRequest {
  return { body, headers: { 'content-type': 'application/json', ...signatureHeaders(secret, body, options) } };
}

/**
 * An event or v2 card callback as Feishu pushes it to a connection with an Encrypt Key: the
 * plaintext encrypted into `{"encrypt": …}` (compact JSON unless `wrap` writes the body another
 * way), then signed with SHA-256.
 *
 * @example
 * const { body, headers } = signedPush(app.encryptKey, JSON.stringify(envelope));
 * await fetch(eventsUrl, { method: 'POST', headers, body });
 */
export function signedPush(encryptKey: string, plaintext: string, options: SignOptions & { wrap?: (encrypted: string) => string } = {}): SignedRequest {
  const encrypted = encryptForFeishu(encryptKey, plaintext);
  const body = options.wrap === undefined ? JSON.stringify({ encrypt: encrypted }) : options.wrap(encrypted);
  return signedRequest(encryptKey, body, options);
}
