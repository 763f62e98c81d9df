import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { GatewayError } from '../errors/index.ts';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';

// An arbitrary constant naming "gateway migrations" among PostgreSQL advisory locks.
const MIGRATION_LOCK_KEY = 7_265_126_712n;

/**
 * Applies every pending migration. Gateways starting together on one database take turns through
 * a session-level advisory lock held on one connection for the whole run, so exactly one of them
 * migrates and the others find nothing left to do.
 *
 * @returns the names of the migrations this call applied.
 */
export async function runMigrations(database: Database): Promise<string[]> {
  return await database.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    try {
      const migrator = new Migrator({ db: connection, provider: { getMigrations: async () => ({ ...migrations }) } });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
        throw new GatewayError('db.migration_failed', `migration ${failed} failed on ${database.description}`, { cause: error });
      }
      return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    }
  });
}

/** Names of known migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const migrator = new Migrator({ db: database.kysely, provider: { getMigrations: async () => ({ ...migrations }) } });
  const all = await migrator.getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
