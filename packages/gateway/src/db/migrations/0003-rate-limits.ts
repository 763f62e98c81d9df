import { sql, type Kysely } from 'kysely';

// The counters of the outbound rate governor (src/feishu/create-rate-governor.ts), shared by every
// instance on PostgreSQL. The columns are the ones rate-limiter-flexible's RateLimiterPostgres
// reads and writes; it is told the table exists and never creates it. Unlogged: counters live for
// seconds to a month, so skipping the write-ahead log is worth losing them in a crash.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unlogged table rate_limits (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )
  `.execute(db);
  // The library deletes rows expired an hour ago every five minutes.
  await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
