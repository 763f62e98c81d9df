import { sql, type Kysely } from 'kysely';

// The durable inbox of inbound Feishu events (issue 6): a row is committed, with its dispatch job,
// before Feishu gets its 200, and the unique key turns Feishu's at-least-once pushes into
// exactly-once handling. Payloads are sealed with the secret key. Rows are kept at least as long
// as Feishu may still retry (7 days by default), so a late duplicate still meets its original.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_inbox')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('connection', 'text', (column) => column.notNull())
    // v2 header.event_id, v1 uuid.
    .addColumn('event_id', 'text', (column) => column.notNull())
    .addColumn('event_type', 'text', (column) => column.notNull())
    .addColumn('schema', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text')
    // When Feishu created the event (from the signed envelope), and when it reached us.
    .addColumn('created_at', 'timestamptz', (column) => column.notNull())
    .addColumn('received_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('transport', 'text', (column) => column.notNull().check(sql`transport in ('http', 'websocket')`))
    .addColumn('sealed_payload', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('pending').check(sql`status in ('pending', 'handled', 'failed', 'dead')`))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('handled_at', 'timestamptz')
    .addUniqueConstraint('event_inbox_connection_event_id_key', ['connection', 'event_id'])
    .execute();
  await db.schema.createIndex('event_inbox_received_at_idx').on('event_inbox').column('received_at').execute();
  await db.schema.createIndex('event_inbox_type_received_at_idx').on('event_inbox').columns(['event_type', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_inbox').execute();
}
