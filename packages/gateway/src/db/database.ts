import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './tables.ts';

export type Backend = 'postgres' | 'pglite';

/** The result shape pg-boss's `db.executeSql` adapter accepts (one result, or one per statement). */
export type SqlResult = { rows: unknown[] } | { rows: unknown[] }[];

/** Runs raw SQL; used by pg-boss. Statements without values may contain several commands. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<SqlResult>;

/**
 * The slice of a `pg` pool that libraries taking a pool use (rate-limiter-flexible's
 * RateLimiterPostgres): a query with an optional prepared-statement name.
 */
export type PgPool = {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[]; rowCount: number | null }>;
};

/** One open database, whichever backend it runs on. */
export type Database = {
  readonly backend: Backend;
  /** Where it is, for logs and errors; never contains a password. */
  readonly description: string;
  readonly kysely: Kysely<Tables>;
  readonly executeSql: ExecuteSql;
  /** The connection pool, on PostgreSQL only. */
  readonly pgPool?: PgPool;
  /** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export type DbTransaction = Transaction<Tables>;
