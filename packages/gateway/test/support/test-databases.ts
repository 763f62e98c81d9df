import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/db/index.ts';
import { createTestLogger } from './test-logger.ts';
import { adminDatabaseUrl } from './test-env.ts';

/** A database created for one test, and the way to remove it. */
export type TestDatabase = { readonly database: Database; readonly url: string | undefined; cleanup(): Promise<void> };

export type TestBackend = { readonly name: 'pglite' | 'postgres'; open(): Promise<TestDatabase> };

/**
 * Creates an empty PostgreSQL database on the test server with a unique name, so that test
 * files can run in parallel and the suite twice in a row without seeing each other's rows.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => await client.query(`create database "${name}"`));
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdmin(async (client) => await client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// initdb takes seconds under WASM; each worker runs it once and clones the result.
let pgliteTemplate: Promise<Blob> | undefined;

function templateDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const pglite = await PGlite.create();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    return dump;
  })();
  return pgliteTemplate;
}

/** Both backends, for `describe.each`: every database test runs on PGlite and on PostgreSQL. */
export const backends: readonly TestBackend[] = [
  {
    name: 'pglite',
    async open() {
      const database = await openPglite({ dataDir: null, template: await templateDump() });
      return { database, url: undefined, cleanup: async () => await database.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const created = await createPostgresDatabase();
      const database = await openPostgres({ url: created.url, poolSize: 5, startupTimeoutSeconds: 5, logger: createTestLogger().logger });
      return {
        database,
        url: created.url,
        cleanup: async () => {
          await database.close();
          await created.drop();
        },
      };
    },
  },
];
