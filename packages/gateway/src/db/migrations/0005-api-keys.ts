import { sql, type Kysely } from 'kysely';

// API keys for `/api/v1` (issue 6 item 6, issue 7 item 5). Only the SHA-256 of a key is stored:
// the key is shown once when created, and a database dump does not reveal it. A revoked key stays
// as a row so that lists and audits still name it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('scopes', sql`text[]`, (column) => column.notNull())
    // Hex SHA-256 of the whole key (`fgw_…`); looked up on every request.
    .addColumn('key_hash', 'text', (column) => column.notNull().unique())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
}
