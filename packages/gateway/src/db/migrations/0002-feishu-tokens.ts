import { sql, type Kysely } from 'kysely';

// Feishu access tokens shared by every gateway instance (issue 5): one row per connection, kind
// and tenant, holding the token sealed with the secret key and the refresh lease that lets one
// instance at a time fetch a new one. Store apps' app_ticket (pushed hourly, needed for their app
// token) is kept beside them so it survives restarts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feishu_tokens')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull().check(sql`kind in ('tenant', 'app')`))
    // '' for a self-built app's one tenant and for a store app's app token.
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    // The App ID the token was issued to; a row left by another App ID is treated as empty.
    .addColumn('app_id', 'text', (column) => column.notNull())
    .addColumn('sealed_token', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('refreshing_until', 'timestamptz')
    .addColumn('refreshed_by', 'text')
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('feishu_tokens_pkey', ['connection', 'kind', 'tenant_key'])
    .execute();
  await db.schema
    .createTable('feishu_app_tickets')
    .addColumn('connection', 'text', (column) => column.primaryKey())
    .addColumn('app_id', 'text', (column) => column.notNull())
    .addColumn('sealed_ticket', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feishu_app_tickets').execute();
  await db.schema.dropTable('feishu_tokens').execute();
}
