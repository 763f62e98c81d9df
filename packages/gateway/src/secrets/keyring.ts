import { createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';

/** `key` is a KeyObject, not bytes: Node checks a Buffer key's type the slow way on every cipher. */
export type SecretKey = { readonly id: string; readonly key: KeyObject };

/** The keys that seal and open stored secrets: the first seals, all of them open. */
export type Keyring = { readonly current: SecretKey; readonly byId: ReadonlyMap<string, SecretKey> };

/**
 * Builds a keyring from base64 keys, current first. Each key gets a short id derived from it,
 * stored beside every ciphertext so that, after a rotation, old records still name their key.
 */
export function createKeyring(base64Keys: readonly string[]): Keyring {
  const keys = base64Keys.map((text, index): SecretKey => {
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) {
      throw new GatewayError('secrets.key_invalid', `secret key #${index + 1} is ${key.length} bytes; 32 bytes of base64 are required`);
    }
    return { id: keyIdOf(key), key: createSecretKey(key) };
  });
  const [current] = keys;
  if (current === undefined) throw new GatewayError('secrets.key_invalid', 'no secret key is configured');
  return { current, byId: new Map(keys.map((key) => [key.id, key])) };
}

function keyIdOf(key: Buffer): string {
  // A hash of the key, not the key: safe to store and to show in errors.
  return createHash('sha256').update('feishu-gateway key id\0').update(key).digest('hex').slice(0, 12);
}
