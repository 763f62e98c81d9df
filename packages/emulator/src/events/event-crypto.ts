import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

// Feishu's event encryption (platform doc §3.2): AES-256-CBC with PKCS#7 padding, the key is
// SHA-256 of the Encrypt Key, a random 16-byte IV travels in front of the ciphertext, and the
// whole is base64. Node's ciphers pad with PKCS#7 by default.

// Deriving the key object costs more than encrypting a small event, and an emulator has a handful
// of Encrypt Keys, so derived keys are remembered (a bounded, pure memo).
const derivedKeys = new Map<string, KeyObject>();
function keyOf(encryptKey: string): KeyObject {
  let key = derivedKeys.get(encryptKey);
  if (key === undefined) {
    if (derivedKeys.size >= 256) derivedKeys.clear();
    key = createSecretKey(createHash('sha256').update(encryptKey, 'utf8').digest());
    derivedKeys.set(encryptKey, key);
  }
  return key;
}

/**
 * Encrypts an event body for an app that has an Encrypt Key.
 *
 * @example
 * const body = JSON.stringify({ encrypt: encryptEvent(app.encryptKey, JSON.stringify(envelope)) });
 */
export function encryptEvent(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/**
 * The inverse of `encryptEvent`; throws when the key is wrong (bad padding) or the input is
 * shorter than one IV and one block.
 *
 * @example
 * decryptEvent('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=') // 'hello world'
 */
export function decryptEvent(encryptKey: string, encrypted: string): string {
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new RangeError('encrypted event: not an IV followed by whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}

/**
 * `X-Lark-Signature` (platform doc §3.3): lowercase hex SHA-256 over the plain concatenation
 * timestamp + nonce + Encrypt Key + body. The Node SDK hashes `JSON.stringify` of the parsed
 * body, so `body` must be exactly what `JSON.stringify` produced.
 *
 * @example
 * signRequest('1700000000', 'abc', 'test key', body)
 */
export function signRequest(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body, 'utf8').digest('hex');
}
