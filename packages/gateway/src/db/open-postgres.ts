import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import type { Database } from './database.ts';
import type { Tables } from './tables.ts';
import { withTimeout } from './with-timeout.ts';

export type OpenPostgresOptions = {
  readonly url: string;
  readonly poolSize: number;
  /** How long to keep retrying an unreachable server before giving up. */
  readonly startupTimeoutSeconds: number;
  readonly logger: Logger;
};

// Errors that will not go away by waiting: wrong password, missing database or role.
const permanentSqlStates = new Set(['28000', '28P01', '3D000']);

/**
 * Connects to PostgreSQL, retrying with capped backoff while the server is unreachable (it may
 * still be starting next to us), and fails with one clear `db.unreachable` error naming the host.
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<Database> {
  const url = new URL(options.url);
  const where = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'feishu-gateway',
  });
  // Without a listener, a connection dropped by the server while idle would crash the process.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
  // The pool listens only while a connection is idle. One lost while checked out between two
  // statements (inside a transaction) emits 'error' on the client too, and with no listener that
  // crashes the process; the statement that comes next fails on its own, which is what callers see.
  pool.on('connect', (client) => client.on('error', (error) => options.logger.warn({ err: error }, 'PostgreSQL connection lost while in use')));

  const deadline = Date.now() + options.startupTimeoutSeconds * 1000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await pool.query('select 1');
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = code ?? (error as Error).message;
      if ((code !== undefined && permanentSqlStates.has(code)) || Date.now() >= deadline) {
        await pool.end();
        const waited = code !== undefined && permanentSqlStates.has(code) ? '' : ` after ${options.startupTimeoutSeconds} s`;
        throw new GatewayError('db.unreachable', `cannot reach PostgreSQL at ${where}${waited} (${reason})`, { cause: error });
      }
      const delay = Math.min(250 * 2 ** attempt, 4_000, Math.max(deadline - Date.now(), 0));
      options.logger.warn({ attempt: attempt + 1, reason, retryInMs: delay }, `PostgreSQL at ${where} not reachable yet`);
      await sleep(delay);
    }
  }

  return {
    backend: 'postgres',
    description: `PostgreSQL at ${where}`,
    kysely: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
    // pg runs a statement without values through the simple protocol, which accepts several commands.
    executeSql: async (text, values) => await pool.query(text, values),
    pgPool: pool,
    async ping(timeoutMs = 2_000) {
      await withTimeout(pool.query('select 1'), timeoutMs);
    },
    async close() {
      await pool.end();
    },
  };
}
