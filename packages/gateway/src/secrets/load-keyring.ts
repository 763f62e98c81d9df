import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../errors/index.ts';
import { createKeyring, type Keyring } from './keyring.ts';

export const KEY_FILE_NAME = 'secret.key';

/**
 * The keyring for this process: the configured `GATEWAY_SECRET_KEY` keys or, when none is set
 * (only allowed with the embedded database, the schema enforces that), a key generated once into
 * `DATA_DIR/secret.key` with mode 0600 and reused on every later start.
 */
export function loadKeyring(options: { secretKeys: readonly string[]; dataDir: string }): Keyring {
  if (options.secretKeys.length > 0) return createKeyring(options.secretKeys);
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    // `wx` fails if the file exists, so two first starts cannot each write a different key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A key file others can read is a leaked key; tighten it rather than refuse to start.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8').trim();
  if (text === '') throw new GatewayError('secrets.key_invalid', `${file} is empty; delete it to generate a new key`);
  return createKeyring([text]);
}
