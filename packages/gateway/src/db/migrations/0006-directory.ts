import { sql, type Kysely } from 'kysely';

// The directory mirror (issue 7): departments, users, user groups and their members, employee
// types, a change log, and the checkpoints of full syncs. Every table is keyed by connection and
// tenant (`''` for a self-built app, whose single tenant has no key in its token).
//
// Rows are never deleted: what leaves Feishu or the app's contact scope is marked deleted, so a
// downstream system can still resolve an old id. `version` is the time (epoch ms) of the Feishu
// change a row reflects — an event's `create_time`, or the moment a sync read it — and a write
// with an older version than the row's is ignored, whatever order changes arrive in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('directory_departments')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('open_department_id', 'text', (column) => column.notNull())
    .addColumn('department_id', 'text')
    // '0' for a top-level department; null for the root itself.
    .addColumn('parent_open_department_id', 'text')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('i18n_name', 'jsonb')
    .addColumn('display_order', 'text')
    .addColumn('leader_user_id', 'text')
    .addColumn('leaders', 'jsonb')
    .addColumn('chat_id', 'text')
    .addColumn('member_count', 'integer')
    .addColumn('is_deleted', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('version', 'bigint', (column) => column.notNull())
    // The full sync that last saw the department in Feishu; the rest are deleted when it ends.
    .addColumn('seen_by_sync', 'bigint')
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('directory_departments_pkey', ['connection', 'tenant_key', 'open_department_id'])
    .execute();
  await db.schema.createIndex('directory_departments_parent').on('directory_departments').columns(['connection', 'tenant_key', 'parent_open_department_id']).execute();
  await db.schema.createIndex('directory_departments_custom_id').on('directory_departments').columns(['connection', 'tenant_key', 'department_id']).execute();

  await db.schema
    .createTable('directory_users')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('open_id', 'text', (column) => column.notNull())
    .addColumn('union_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('en_name', 'text')
    .addColumn('nickname', 'text')
    .addColumn('email', 'text')
    .addColumn('enterprise_email', 'text')
    .addColumn('mobile', 'text')
    .addColumn('avatar', 'jsonb')
    // Feishu's status flags as received: is_frozen, is_resigned, is_activated, is_exited, is_unjoin.
    .addColumn('status', 'jsonb')
    // active | deactivated (resigned or frozen) | deleted (gone, or out of the contact scope).
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('employee_no', 'text')
    .addColumn('employee_type', 'integer')
    .addColumn('job_title', 'text')
    .addColumn('leader_user_id', 'text')
    .addColumn('department_ids', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'`))
    .addColumn('primary_department_id', 'text')
    // [{department_id, user_order, department_order, is_primary_dept}] as Feishu gives them.
    .addColumn('orders', 'jsonb')
    .addColumn('join_time', 'bigint')
    .addColumn('is_tenant_manager', 'boolean')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addColumn('seen_by_sync', 'bigint')
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('directory_users_pkey', ['connection', 'tenant_key', 'open_id'])
    .execute();
  // Lookups by any id, email or mobile (`GET /api/v1/directory/users/:id`) span connections, so
  // these indexes lead with the value; emails are compared without case, as Feishu does.
  await db.schema.createIndex('directory_users_open_id').on('directory_users').column('open_id').execute();
  await db.schema.createIndex('directory_users_union_id').on('directory_users').column('union_id').execute();
  await db.schema.createIndex('directory_users_user_id').on('directory_users').column('user_id').execute();
  await sql`create index directory_users_email on directory_users (lower(email))`.execute(db);
  await sql`create index directory_users_enterprise_email on directory_users (lower(enterprise_email))`.execute(db);
  await db.schema.createIndex('directory_users_mobile').on('directory_users').column('mobile').execute();
  await db.schema.createIndex('directory_users_departments').on('directory_users').using('gin').column('department_ids').execute();
  // updated_since pages: (updated_at, open_id) is the cursor.
  await db.schema.createIndex('directory_users_updated').on('directory_users').columns(['connection', 'tenant_key', 'updated_at', 'open_id']).execute();

  await db.schema
    .createTable('directory_groups')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('group_id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('description', 'text')
    // 1 normal, 2 dynamic.
    .addColumn('type', 'integer')
    .addColumn('member_user_count', 'integer')
    .addColumn('member_department_count', 'integer')
    .addColumn('is_deleted', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addColumn('seen_by_sync', 'bigint')
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('directory_groups_pkey', ['connection', 'tenant_key', 'group_id'])
    .execute();

  await db.schema
    .createTable('directory_group_members')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('group_id', 'text', (column) => column.notNull())
    // user (member_id is an open_id) | department (an open_department_id).
    .addColumn('member_type', 'text', (column) => column.notNull())
    .addColumn('member_id', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('directory_group_members_pkey', ['connection', 'tenant_key', 'group_id', 'member_type', 'member_id'])
    .execute();
  await db.schema.createIndex('directory_group_members_member').on('directory_group_members').columns(['connection', 'tenant_key', 'member_type', 'member_id']).execute();

  await db.schema
    .createTable('directory_employee_types')
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('enum_id', 'text', (column) => column.notNull())
    .addColumn('enum_value', 'integer')
    .addColumn('content', 'text')
    // 1 active, 2 inactive (Feishu's enum_status).
    .addColumn('enum_status', 'integer')
    .addColumn('i18n_content', 'jsonb')
    .addColumn('is_deleted', 'boolean', (column) => column.notNull().defaultTo(false))
    .addColumn('version', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('directory_employee_types_pkey', ['connection', 'tenant_key', 'enum_id'])
    .execute();

  await db.schema
    .createTable('directory_changes')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    .addColumn('entity', 'text', (column) => column.notNull())
    .addColumn('entity_id', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('changed_fields', sql`text[]`, (column) => column.notNull().defaultTo(sql`'{}'`))
    .addColumn('occurred_at', 'timestamptz', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('recorded_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('directory_changes_entity').on('directory_changes').columns(['connection', 'tenant_key', 'entity', 'entity_id']).execute();

  // One row per sync run; its tasks are the checkpoints a resumed run continues from.
  await db.schema
    .createTable('directory_sync_runs')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('connection', 'text', (column) => column.notNull())
    .addColumn('tenant_key', 'text', (column) => column.notNull())
    // full | reconcile | partial
    .addColumn('kind', 'text', (column) => column.notNull())
    // running | done | failed
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('requests', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('counts', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    // The step working on the run holds it until then; a step of a dead instance lets go by itself.
    .addColumn('leased_until', 'timestamptz')
    .execute();
  // One running sync per directory: a second start (another instance, a second command) joins it.
  await sql`create unique index directory_sync_runs_running on directory_sync_runs (connection, tenant_key) where status = 'running'`.execute(db);
  await db.schema
    .createTable('directory_sync_tasks')
    .addColumn('run_id', 'bigint', (column) => column.notNull())
    // scope | department | departments | department_children | users | scope_users | groups | group_members
    .addColumn('task', 'text', (column) => column.notNull())
    // The department or group the task lists; '' for tasks without one.
    .addColumn('target', 'text', (column) => column.notNull())
    // Where to continue: the next page token, null before the first page.
    .addColumn('page_token', 'text')
    .addColumn('done', 'boolean', (column) => column.notNull().defaultTo(false))
    // Pages committed: their sum is the run's request count (kept per task, so that concurrent
    // pages never wait on one counter row).
    .addColumn('pages', 'integer', (column) => column.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('directory_sync_tasks_pkey', ['run_id', 'task', 'target'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['directory_sync_tasks', 'directory_sync_runs', 'directory_changes', 'directory_employee_types', 'directory_group_members', 'directory_groups', 'directory_users', 'directory_departments']) {
    await db.schema.dropTable(table).execute();
  }
}
