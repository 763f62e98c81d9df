import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Creates a fresh PostgreSQL database with a unique name through the admin connection `adminUrl`,
 * and registers its removal with `onCleanup` (the benchmark's clean-up list, run even on a watchdog).
 */
export async function createBenchDatabase(adminUrl: string, prefix: string, onCleanup: (cleanup: () => Promise<void>) => void): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => await client.query(`create database "${name}"`));
  onCleanup(async () => void (await withAdmin(adminUrl, async (client) => await client.query(`drop database if exists "${name}" with (force)`))));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

/** Runs `work` with a client on the admin connection, closed afterwards. */
export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
