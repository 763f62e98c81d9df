import type { Insertable, Selectable } from 'kysely';
import type { DirectoryTables, UserState } from './directory-tables.ts';
import type { FeishuDepartment, FeishuGroup, FeishuUser } from './feishu-contact.ts';

export type UserRow = Selectable<DirectoryTables['directory_users']>;
export type DepartmentRow = Selectable<DirectoryTables['directory_departments']>;
export type GroupRow = Selectable<DirectoryTables['directory_groups']>;

/** Whose directory a row belongs to: a connection, and a tenant (`''` for a self-built app). */
export type DirectoryScope = { readonly connection: string; readonly tenantKey: string };

/**
 * The mirror's state of a user from Feishu's status flags: someone who resigned, was frozen or
 * left the tenant is `deactivated` (still resolvable); `deleted` only comes from a deletion.
 */
export function userStateOf(user: FeishuUser): UserState {
  const status = user.status ?? {};
  return status.is_resigned === true || status.is_frozen === true || status.is_exited === true ? 'deactivated' : 'active';
}

export function userRowOf(scope: DirectoryScope, user: FeishuUser, version: number): Insertable<DirectoryTables['directory_users']> {
  const orders = user.orders ?? [];
  const primary = orders.find((order) => order.is_primary_dept === true)?.department_id ?? user.department_ids?.[0] ?? null;
  return {
    connection: scope.connection,
    tenant_key: scope.tenantKey,
    open_id: user.open_id,
    union_id: user.union_id ?? null,
    user_id: user.user_id ?? null,
    name: user.name ?? '',
    en_name: user.en_name ?? null,
    nickname: user.nickname ?? null,
    email: user.email ?? null,
    enterprise_email: user.enterprise_email ?? null,
    mobile: user.mobile ?? null,
    avatar: user.avatar === undefined ? null : JSON.stringify(user.avatar),
    status: user.status === undefined ? null : JSON.stringify(user.status),
    state: userStateOf(user),
    employee_no: user.employee_no ?? null,
    employee_type: user.employee_type ?? null,
    job_title: user.job_title ?? null,
    leader_user_id: user.leader_user_id ?? null,
    department_ids: user.department_ids ?? [],
    primary_department_id: primary,
    orders: orders.length === 0 ? null : JSON.stringify(orders),
    join_time: user.join_time ?? null,
    is_tenant_manager: user.is_tenant_manager ?? null,
    deleted_at: null,
    version,
    seen_by_sync: null,
  };
}

export function departmentRowOf(scope: DirectoryScope, department: FeishuDepartment, version: number): Insertable<DirectoryTables['directory_departments']> {
  const deleted = department.status?.is_deleted === true;
  return {
    connection: scope.connection,
    tenant_key: scope.tenantKey,
    open_department_id: department.open_department_id,
    department_id: department.department_id ?? null,
    parent_open_department_id: department.parent_department_id ?? null,
    name: department.name ?? '',
    i18n_name: department.i18n_name === undefined ? null : JSON.stringify(department.i18n_name),
    display_order: department.order === undefined ? null : String(department.order),
    leader_user_id: department.leader_user_id ?? null,
    leaders: department.leaders === undefined ? null : JSON.stringify(department.leaders),
    chat_id: department.chat_id ?? null,
    member_count: department.member_count ?? null,
    is_deleted: deleted,
    deleted_at: deleted ? new Date(version) : null,
    version,
    seen_by_sync: null,
  };
}

export function groupRowOf(scope: DirectoryScope, group: FeishuGroup, version: number): Insertable<DirectoryTables['directory_groups']> {
  return {
    connection: scope.connection,
    tenant_key: scope.tenantKey,
    group_id: group.id,
    name: group.name ?? '',
    description: group.description ?? null,
    type: group.type ?? null,
    member_user_count: group.member_user_count ?? null,
    member_department_count: group.member_department_count ?? null,
    is_deleted: false,
    deleted_at: null,
    version,
    seen_by_sync: null,
  };
}
