export type { Backend, Database, DbTransaction, ExecuteSql, SqlResult } from './database.ts';
export { createBatcher, type Batcher } from './create-batcher.ts';
export { ensureInstallation } from './ensure-installation.ts';
export { openDatabase } from './open-database.ts';
export { openPglite } from './open-pglite.ts';
export { openPostgres, type OpenPostgresOptions } from './open-postgres.ts';
export { pendingMigrations, runMigrations } from './run-migrations.ts';
export type { Tables } from './tables.ts';
