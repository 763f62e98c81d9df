import { sql, type Kysely } from 'kysely';

// The installation record: one row naming this deployment, with a value sealed by the secret key
// so a start-up with the wrong GATEWAY_SECRET_KEY is caught before any secret is needed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_installation')
    .addColumn('singleton', 'boolean', (column) => column.primaryKey().defaultTo(true).check(sql`singleton`))
    .addColumn('installation_id', 'uuid', (column) => column.notNull())
    .addColumn('key_check', 'text', (column) => column.notNull())
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gateway_installation').execute();
}
