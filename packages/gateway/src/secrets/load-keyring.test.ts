import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyring } from './keyring.ts';
import { KEY_FILE_NAME, loadKeyring } from './load-keyring.ts';

describe('loadKeyring', () => {
  let dataDir: string;
  let keyFile: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-keyring-'));
    keyFile = path.join(dataDir, KEY_FILE_NAME);
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates a key file readable only by its owner when no key is configured', () => {
    const keyring = loadKeyring({ secretKeys: [], dataDir });

    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(createKeyring([readFileSync(keyFile, 'utf8').trim()]).current.id).toBe(keyring.current.id);
  });

  it('creates a missing data directory for the key file', () => {
    const nested = path.join(dataDir, 'nested', 'data');

    loadKeyring({ secretKeys: [], dataDir: nested });

    expect(existsSync(path.join(nested, KEY_FILE_NAME))).toBe(true);
  });

  it('reuses the generated key on the next start', () => {
    const first = loadKeyring({ secretKeys: [], dataDir });

    expect(loadKeyring({ secretKeys: [], dataDir }).current.id).toBe(first.current.id);
  });

  it('tightens a key file that others can read to 0600', () => {
    const key = randomBytes(32).toString('base64');
    writeFileSync(keyFile, `${key}\n`);
    chmodSync(keyFile, 0o644);

    const keyring = loadKeyring({ secretKeys: [], dataDir });

    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(keyring.current.id).toBe(createKeyring([key]).current.id);
  });

  it('reports secrets.key_invalid for an empty key file', () => {
    writeFileSync(keyFile, '\n', { mode: 0o600 });

    expect(() => loadKeyring({ secretKeys: [], dataDir })).toThrow(expect.objectContaining({ code: 'secrets.key_invalid' }));
  });

  it('uses the configured keys and writes no key file', () => {
    const keys = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];

    const keyring = loadKeyring({ secretKeys: keys, dataDir });

    expect(keyring.current.id).toBe(createKeyring(keys).current.id);
    expect(keyring.byId.size).toBe(2);
    expect(existsSync(keyFile)).toBe(false);
  });
});
