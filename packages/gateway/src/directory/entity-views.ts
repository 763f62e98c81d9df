import type { DepartmentRow, GroupRow, UserRow } from './entity-rows.ts';

// The representations `/api/v1/directory/*` serves and change webhooks carry. Stable field names
// of our own (documented in docs/api.md), not Feishu's: ids are named by kind, open ids are the
// default everywhere, and the mirror's own status replaces Feishu's flags.

export type UserView = ReturnType<typeof userViewOf>;
export type DepartmentView = ReturnType<typeof departmentViewOf>;
export type GroupView = ReturnType<typeof groupViewOf>;

type Order = { department_id?: string; user_order?: number; department_order?: number; is_primary_dept?: boolean };

export function userViewOf(row: UserRow) {
  const orders = (parsedJson(row.orders) ?? []) as Order[];
  return {
    open_id: row.open_id,
    union_id: row.union_id,
    user_id: row.user_id,
    name: row.name,
    en_name: row.en_name,
    nickname: row.nickname,
    email: row.email,
    enterprise_email: row.enterprise_email,
    mobile: row.mobile,
    avatar: (parsedJson(row.avatar) ?? null) as Record<string, string> | null,
    status: row.state,
    status_flags: (parsedJson(row.status) ?? null) as Record<string, boolean> | null,
    employee_no: row.employee_no,
    employee_type: row.employee_type,
    job_title: row.job_title,
    leader_open_id: row.leader_user_id,
    departments: row.department_ids.map((id) => {
      const order = orders.find((candidate) => candidate.department_id === id);
      return { open_department_id: id, is_primary: id === row.primary_department_id, user_order: order?.user_order ?? null, department_order: order?.department_order ?? null };
    }),
    join_time: row.join_time === null ? null : Number(row.join_time),
    is_tenant_manager: row.is_tenant_manager,
    connection: row.connection,
    tenant_key: row.tenant_key,
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}

export function departmentViewOf(row: DepartmentRow) {
  return {
    open_department_id: row.open_department_id,
    department_id: row.department_id,
    parent_open_department_id: row.parent_open_department_id,
    name: row.name,
    i18n_name: (parsedJson(row.i18n_name) ?? null) as Record<string, string> | null,
    order: row.display_order,
    leader_open_id: row.leader_user_id,
    leaders: ((parsedJson(row.leaders) ?? []) as { leaderType?: number; leaderID?: string }[]).map((leader) => ({ open_id: leader.leaderID ?? null, type: leader.leaderType === 2 ? 'deputy' : 'main' })),
    chat_id: row.chat_id,
    member_count: row.member_count,
    status: row.is_deleted ? 'deleted' : 'active',
    connection: row.connection,
    tenant_key: row.tenant_key,
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}

export function groupViewOf(row: GroupRow) {
  return {
    group_id: row.group_id,
    name: row.name,
    description: row.description,
    type: row.type === 2 ? 'dynamic' : 'normal',
    member_user_count: row.member_user_count,
    member_department_count: row.member_department_count,
    status: row.is_deleted ? 'deleted' : 'active',
    connection: row.connection,
    tenant_key: row.tenant_key,
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}

// jsonb comes back parsed from PostgreSQL and PGlite; a value written as text in the same
// transaction is still text until re-read, so both are accepted.
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
