import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { acquireDataDirLock } from './acquire-data-dir-lock.ts';
import type { Database } from './database.ts';
import type { Tables } from './tables.ts';
import { withTimeout } from './with-timeout.ts';

/**
 * Opens the embedded PGlite database (PostgreSQL compiled to WASM) stored under
 * `DATA_DIR/pglite`, or in memory when `dataDir` is `null` (tests that need no persistence).
 * The same SQL and migrations run here as on a PostgreSQL server.
 */
export async function openPglite(options: { dataDir: string | null; template?: Blob }): Promise<Database> {
  const release = options.dataDir === null ? () => {} : acquireDataDirLock(options.dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(options.dataDir === null ? {} : { dataDir: path.join(options.dataDir, 'pglite') }),
      // A dump of a fresh cluster skips initdb, which takes seconds under WASM (tests use this).
      ...(options.template === undefined ? {} : { loadDataDir: options.template }),
    });
  } catch (error) {
    release();
    throw error;
  }
  const kysely = new Kysely<Tables>({ dialect: new PGliteDialect({ pglite }) });
  return {
    backend: 'pglite',
    description: options.dataDir === null ? 'PGlite in memory' : `PGlite in ${options.dataDir}`,
    kysely,
    // PGlite's `query` uses the extended protocol (one statement); pg-boss sends its schema
    // scripts without values, and those must go through `exec`, which accepts several.
    executeSql: async (text, values) => (values !== undefined && values.length > 0 ? await pglite.query(text, values) : await pglite.exec(text)),
    async ping(timeoutMs = 2_000) {
      await withTimeout(pglite.query('select 1'), timeoutMs);
    },
    async close() {
      try {
        await kysely.destroy();
      } finally {
        release();
      }
    },
  };
}
