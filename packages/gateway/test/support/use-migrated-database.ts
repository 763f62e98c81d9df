import { afterEach } from 'vitest';
import { runMigrations, type Database } from '../../src/db/index.ts';
import type { TestBackend, TestDatabase } from './test-databases.ts';

/** A fresh database on `backend` with every migration applied. */
export async function openMigrated(backend: TestBackend): Promise<TestDatabase> {
  const opened = await backend.open();
  await runMigrations(opened.database);
  return opened;
}

/**
 * For a `describe` block: the function it returns opens a fresh, migrated database on `backend`,
 * and every database it opened is removed after each test.
 *
 * @example
 * describe.each(backends)('API keys on $name', (backend) => {
 *   const openDatabase = useMigratedDatabase(backend);
 *   it('…', async () => { const apiKeys = createApiKeys(await openDatabase()); });
 * });
 */
export function useMigratedDatabase(backend: TestBackend): () => Promise<Database> {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const each of opened.splice(0).reverse()) await each.cleanup();
  });
  return async () => {
    const database = await openMigrated(backend);
    opened.push(database);
    return database.database;
  };
}
