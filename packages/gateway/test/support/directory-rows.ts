import type { Insertable } from 'kysely';
import type { Database } from '../../src/db/index.ts';
import type { DirectoryTables } from '../../src/directory/directory-tables.ts';

type UserInsert = Insertable<DirectoryTables['directory_users']>;
type DepartmentInsert = Insertable<DirectoryTables['directory_departments']>;
type GroupInsert = Insertable<DirectoryTables['directory_groups']>;
type MemberInsert = Insertable<DirectoryTables['directory_group_members']>;

// Rows for the directory tables as a sync would write them, with only what a test cares about
// given: the rest are plausible defaults for connection `default` of a self-built app.

export function userRow(fields: Partial<UserInsert> & { open_id: string }): UserInsert {
  return {
    connection: 'default',
    tenant_key: '',
    union_id: `on_${fields.open_id}`,
    user_id: `u_${fields.open_id}`,
    name: fields.open_id,
    en_name: null,
    nickname: null,
    email: null,
    enterprise_email: null,
    mobile: null,
    avatar: null,
    status: JSON.stringify({ is_activated: true }),
    state: 'active',
    employee_no: null,
    employee_type: 1,
    job_title: null,
    leader_user_id: null,
    department_ids: [],
    primary_department_id: null,
    orders: null,
    join_time: null,
    is_tenant_manager: false,
    deleted_at: null,
    version: 1,
    seen_by_sync: null,
    ...fields,
  };
}

export function departmentRow(fields: Partial<DepartmentInsert> & { open_department_id: string }): DepartmentInsert {
  return {
    connection: 'default',
    tenant_key: '',
    department_id: `d_${fields.open_department_id}`,
    parent_open_department_id: '0',
    name: fields.open_department_id,
    i18n_name: null,
    display_order: null,
    leader_user_id: null,
    leaders: null,
    chat_id: null,
    member_count: null,
    is_deleted: false,
    deleted_at: null,
    version: 1,
    seen_by_sync: null,
    ...fields,
  };
}

export function groupRow(fields: Partial<GroupInsert> & { group_id: string }): GroupInsert {
  return {
    connection: 'default',
    tenant_key: '',
    name: fields.group_id,
    description: null,
    type: 1,
    member_user_count: null,
    member_department_count: null,
    is_deleted: false,
    deleted_at: null,
    version: 1,
    seen_by_sync: null,
    ...fields,
  };
}

/** Inserts the rows as they are (in batches, so that thousands of users stay quick). */
export async function seedDirectory(
  database: Database,
  rows: { users?: readonly UserInsert[]; departments?: readonly DepartmentInsert[]; groups?: readonly GroupInsert[]; members?: readonly MemberInsert[] },
): Promise<void> {
  const { kysely } = database;
  for (let index = 0; index < (rows.users?.length ?? 0); index += 500) await kysely.insertInto('directory_users').values(rows.users?.slice(index, index + 500) ?? []).execute();
  if (rows.departments?.length) await kysely.insertInto('directory_departments').values([...rows.departments]).execute();
  if (rows.groups?.length) await kysely.insertInto('directory_groups').values([...rows.groups]).execute();
  if (rows.members?.length) await kysely.insertInto('directory_group_members').values([...rows.members]).execute();
}
