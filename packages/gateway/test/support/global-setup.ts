import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { adminDatabaseUrl } from './test-env.ts';

/**
 * Runs once before the suite: the PostgreSQL server must be up (it is started if it is down),
 * and databases left behind by an interrupted earlier run are dropped.
 */
export default async function globalSetup(): Promise<void> {
  const url = new URL(adminDatabaseUrl);
  execFileSync(new URL('../../../../scripts/ensure-postgres.sh', import.meta.url).pathname, {
    env: { ...process.env, PGHOST: url.hostname, PGPORT: url.port || '5432' },
    stdio: 'inherit',
  });
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like 'gw_test_%' and not exists (select 1 from pg_stat_activity a where a.datname = pg_database.datname)`,
    );
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}"`);
  } finally {
    await client.end();
  }
}
