import { describe, expect, it } from 'vitest';
import { backends } from '../../test/support/test-databases.ts';
import { useMigratedDatabase } from '../../test/support/use-migrated-database.ts';
import { createApiKeys, hashApiKey } from './create-api-keys.ts';

describe.each(backends)('API keys on $name', (backend) => {
  const openDatabase = useMigratedDatabase(backend);

  async function setUp() {
    const database = await openDatabase();
    return { apiKeys: createApiKeys(database), database };
  }

  it('creates a fgw_ key, stores only its SHA-256, and verifies it', async () => {
    const { apiKeys, database } = await setUp();
    const { key, apiKey } = await apiKeys.create({ name: 'hr-system', scopes: ['directory:read', 'events:read', 'directory:read'] });

    expect(key).toMatch(/^fgw_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'hr-system', scopes: ['directory:read', 'events:read'], lastUsedAt: undefined, revokedAt: undefined });
    const rows = await database.kysely.selectFrom('api_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).toBe(hashApiKey(key));
    // Nowhere in the row, in any form.
    expect(JSON.stringify(rows)).not.toContain(key.slice(4));

    expect(await apiKeys.verify(key)).toMatchObject({ id: apiKey.id, scopes: ['directory:read', 'events:read'] });
    const [used] = await apiKeys.list();
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('rejects unknown, altered and malformed keys', async () => {
    const { apiKeys } = await setUp();
    const { key } = await apiKeys.create({ name: 'ci', scopes: ['events:read'] });
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

    for (const presented of [altered, `fgw_${'A'.repeat(43)}`, '', 'fgw_', key.slice(4), `${key} `, key.toUpperCase()]) {
      expect(await apiKeys.verify(presented)).toBeUndefined();
    }
  });

  it('stops verifying a key once it is revoked, and keeps it in the list', async () => {
    const { apiKeys } = await setUp();
    const { key, apiKey } = await apiKeys.create({ name: 'ci', scopes: ['events:read'] });
    const other = await apiKeys.create({ name: 'other', scopes: ['events:replay'] });

    expect(await apiKeys.revoke(apiKey.id)).toBe(true);
    expect(await apiKeys.verify(key)).toBeUndefined();
    expect(await apiKeys.verify(other.key)).toBeDefined();
    expect(await apiKeys.revoke(apiKey.id)).toBe(false);
    const listed = await apiKeys.list();
    expect(listed.map((item) => [item.name, item.revokedAt instanceof Date])).toEqual([
      ['ci', true],
      ['other', false],
    ]);
  });

  it('refuses a key without a name or scope, or with an unknown scope', async () => {
    const { apiKeys } = await setUp();
    await expect(apiKeys.create({ name: ' ', scopes: ['events:read'] })).rejects.toMatchObject({ code: 'api_keys.invalid' });
    await expect(apiKeys.create({ name: 'x'.repeat(101), scopes: ['events:read'] })).rejects.toMatchObject({ code: 'api_keys.invalid' });
    await expect(apiKeys.create({ name: 'ci', scopes: [] })).rejects.toMatchObject({ code: 'api_keys.invalid' });
    await expect(apiKeys.create({ name: 'ci', scopes: ['events:read', 'admin'] })).rejects.toMatchObject({ code: 'api_keys.invalid', message: 'Unknown scope "admin".' });
    expect(await apiKeys.list()).toEqual([]);
  });

  it('answers api_keys.not_found when revoking an id that does not exist', async () => {
    const { apiKeys } = await setUp();
    await expect(apiKeys.revoke('999')).rejects.toMatchObject({ code: 'api_keys.not_found' });
    await expect(apiKeys.revoke('abc')).rejects.toMatchObject({ code: 'api_keys.not_found' });
  });
});
