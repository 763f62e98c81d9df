import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import type { Keyring } from './keyring.ts';

const version = 'v1';
const ivBytes = 12;
const tagBytes = 16;

/**
 * Encrypts a secret for storage with AES-256-GCM under the keyring's current key.
 * The result is `v1.<keyId>.<base64url(iv ‖ ciphertext ‖ tag)>`. `context` is bound as
 * additional authenticated data: pass where the value lives (for example
 * `connections:default:app_secret`) so a ciphertext copied to another record fails to open.
 *
 * @example
 * const sealed = sealSecret(keyring, appSecret, `connections:${name}:app_secret`);
 */
export function sealSecret(keyring: Keyring, plaintext: string, context = ''): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(`${version}.${keyring.current.id}.${context}`));
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${version}.${keyring.current.id}.${body.toString('base64url')}`;
}

/** Opens a value made by `sealSecret` with the same `context`; fails closed with a typed error. */
export function openSecret(keyring: Keyring, sealed: string, context = ''): string {
  const [prefix, keyId, payload, ...rest] = sealed.split('.');
  if (prefix !== version || keyId === undefined || payload === undefined || rest.length > 0) {
    throw new GatewayError('secrets.tampered', 'stored secret is not in the sealed format');
  }
  const key = keyring.byId.get(keyId);
  if (key === undefined) {
    throw new GatewayError('secrets.unknown_key', `stored secret was sealed with key ${keyId}, which is not configured`, { details: { keyId } });
  }
  const body = Buffer.from(payload, 'base64url');
  if (body.length < ivBytes + tagBytes) throw new GatewayError('secrets.tampered', 'stored secret is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, body.subarray(0, ivBytes), { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(`${version}.${keyId}.${context}`));
    decipher.setAuthTag(body.subarray(body.length - tagBytes));
    return Buffer.concat([decipher.update(body.subarray(ivBytes, body.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new GatewayError('secrets.tampered', 'stored secret failed authentication', { cause: error });
  }
}
