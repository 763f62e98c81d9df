import { createDecipheriv, createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BLOCK = 16;

/**
 * Decrypts the `encrypt` field of a push (platform doc §3.2): base64 of a 16-byte IV followed by
 * AES-256-CBC ciphertext with PKCS#7 padding, under the key SHA-256(Encrypt Key). The plaintext
 * must be UTF-8. Every failure — not a string, not strict base64, not an IV plus whole blocks,
 * bad padding (the usual sign of a wrong key), not UTF-8 — is `events.decrypt_failed`, with a
 * message that names the kind of failure and nothing of the input.
 *
 * @example
 * decryptPush('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=') // 'hello world'
 */
export function decryptPush(encryptKey: string, encrypted: unknown): string {
  // Node's base64 decoder skips characters it does not know, so a mangled value would decrypt
  // something else instead of failing; check the alphabet and length first.
  if (typeof encrypted !== 'string' || encrypted.length % 4 !== 0 || !base64.test(encrypted)) {
    throw failed('`encrypt` is not a base64 string');
  }
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 2 * BLOCK || bytes.length % BLOCK !== 0) throw failed('`encrypt` is not an IV followed by whole AES blocks');
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKeyOf(encryptKey), bytes.subarray(0, BLOCK));
    plaintext = Buffer.concat([decipher.update(bytes.subarray(BLOCK)), decipher.final()]);
  } catch (error) {
    throw failed('`encrypt` has invalid padding (wrong Encrypt Key?)', error);
  }
  try {
    return strictUtf8.decode(plaintext);
  } catch (error) {
    throw failed('the decrypted push is not UTF-8 (wrong Encrypt Key?)', error);
  }
}

// Derived once per Encrypt Key (a gateway has a handful): hashing the key and building a KeyObject
// cost more than decrypting a typical push.
const aesKeys = new Map<string, KeyObject>();
const MAX_KEYS = 64;

function aesKeyOf(encryptKey: string): KeyObject {
  let key = aesKeys.get(encryptKey);
  if (key === undefined) {
    if (aesKeys.size >= MAX_KEYS) aesKeys.clear();
    key = createSecretKey(createHash('sha256').update(encryptKey, 'utf8').digest());
    aesKeys.set(encryptKey, key);
  }
  return key;
}

function failed(reason: string, cause?: unknown): GatewayError {
  return new GatewayError('events.decrypt_failed', `Could not decrypt the push: ${reason}.`, cause === undefined ? {} : { cause });
}
