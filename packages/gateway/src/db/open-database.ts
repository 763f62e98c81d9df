import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type { Database } from './database.ts';
import { openPglite } from './open-pglite.ts';
import { openPostgres } from './open-postgres.ts';

/**
 * Opens the configured database: PostgreSQL through `pg` when `DATABASE_URL` is set, otherwise
 * the embedded PGlite under `DATA_DIR`.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.database.url === undefined) return await openPglite({ dataDir: config.dataDir });
  return await openPostgres({
    url: config.database.url,
    poolSize: config.database.poolSize,
    startupTimeoutSeconds: config.database.startupTimeoutSeconds,
    logger,
  });
}
