import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createKeyring } from '../secrets/index.ts';
import { ensureInstallation } from './ensure-installation.ts';
import { runMigrations } from './run-migrations.ts';

const newKey = () => randomBytes(32).toString('base64');

describe.each(backends)('installation record on $name', (backend) => {
  let opened: TestDatabase | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function migrated() {
    opened = await backend.open();
    await runMigrations(opened.database);
    return opened.database;
  }

  it('creates the installation id on first start and returns the same one afterwards', async () => {
    const database = await migrated();
    const keyring = createKeyring([newKey()]);
    const first = await ensureInstallation(database, keyring);
    expect(first.installationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ensureInstallation(database, keyring)).toEqual(first);
  });

  it('refuses a secret key other than the one the database was set up with', async () => {
    const database = await migrated();
    await ensureInstallation(database, createKeyring([newKey()]));
    await expect(ensureInstallation(database, createKeyring([newKey()]))).rejects.toMatchObject({ code: 'secrets.key_mismatch' });
  });

  it('accepts a rotated key list and re-seals the check so the old key can later be retired', async () => {
    const database = await migrated();
    const oldKey = newKey();
    const rotated = newKey();
    const { installationId } = await ensureInstallation(database, createKeyring([oldKey]));
    expect(await ensureInstallation(database, createKeyring([rotated, oldKey]))).toEqual({ installationId });
    expect(await ensureInstallation(database, createKeyring([rotated]))).toEqual({ installationId });
  });
});
