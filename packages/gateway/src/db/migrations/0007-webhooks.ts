import { sql, type Kysely } from 'kysely';

// Signed outbound change webhooks (issue 7, item 6). Subscriptions keep their signing secret
// sealed. Deliveries are both the queue and the delivery log: the pending deliveries of one
// (subscription, entity) are sent oldest first, one at a time, which keeps each entity's changes
// in order across retries. No foreign key ties a delivery to its subscription: the directory
// writes deliveries inside its own transactions, and a subscription deleted at that moment must
// not abort them (the delete removes the subscription's deliveries itself).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('url', 'text', (column) => column.notNull())
    .addColumn('event_types', sql`text[]`, (column) => column.notNull())
    .addColumn('connection', 'text')
    .addColumn('sealed_secret', 'text', (column) => column.notNull())
    .addColumn('enabled', 'boolean', (column) => column.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('subscription_id', 'bigint', (column) => column.notNull())
    .addColumn('message_id', 'text', (column) => column.notNull())
    .addColumn('change_id', 'text', (column) => column.notNull())
    .addColumn('event_type', 'text', (column) => column.notNull())
    .addColumn('entity_key', 'text', (column) => column.notNull())
    .addColumn('payload', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    // A change reaches a subscription once, whoever records it twice.
    .addUniqueConstraint('webhook_deliveries_subscription_change_key', ['subscription_id', 'change_id'])
    .execute();
  // The head of each (subscription, entity) queue: the oldest pending delivery.
  await db.schema
    .createIndex('webhook_deliveries_queue_idx')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'entity_key', 'id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  // What is due: the sweep that wakes queues after a backoff or a crash.
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').column('next_attempt_at').where(sql.ref('status'), '=', 'pending').execute();
  // The delivery log of one subscription, newest first.
  await db.schema.createIndex('webhook_deliveries_log_idx').on('webhook_deliveries').columns(['subscription_id', 'id']).execute();
  // The purge of finished deliveries.
  await db.schema.createIndex('webhook_deliveries_finished_idx').on('webhook_deliveries').column('finished_at').where(sql.ref('status'), '<>', 'pending').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
}
