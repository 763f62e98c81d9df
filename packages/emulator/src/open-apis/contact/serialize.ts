import { directoryIndex } from '../../state/directory-index.ts';
import { userIdAs, type DepartmentIdType, type UserIdType } from '../../state/ids.ts';
import type { App, Department, Group, Tenant, User } from '../../state/types.ts';
import { serializeStatus } from './serialize-status.ts';

export type IdTypes = { userIdType: UserIdType; departmentIdType: DepartmentIdType };

/** A department id in the family the caller asked for (`0` is the root in both). */
export function departmentIdAs(tenant: Tenant, openDepartmentId: string, idType: DepartmentIdType): string {
  if (openDepartmentId === '0' || idType === 'open_department_id') return openDepartmentId;
  return tenant.departments.get(openDepartmentId)?.departmentId ?? openDepartmentId;
}

/** Finds a department by an id of either family. */
export function findDepartment(tenant: Tenant, id: string, idType: DepartmentIdType): Department | undefined {
  if (idType === 'open_department_id' || id === '0') return tenant.departments.get(id);
  return directoryIndex(tenant).byCustomId(id);
}

/** The user object of contact v3; fields behind a field scope are absent without it. */
export function serializeUser(app: App, tenant: Tenant, user: User, ids: IdTypes): Record<string, unknown> {
  const can = (scope: string) => app.scopes.has(scope);
  const avatarBase = `https://emulator.invalid/avatar/${user.userId}`;
  const primary = user.departmentIds[0];
  return {
    union_id: user.unionId,
    ...(can('contact:user.employee_id:readonly') ? { user_id: user.userId } : {}),
    open_id: userIdAs(app, tenant.tenantKey, user, 'open_id'),
    name: user.name,
    en_name: user.enName,
    nickname: user.nickname,
    ...(can('contact:user.email:readonly') ? { email: user.email, enterprise_email: user.enterpriseEmail } : {}),
    ...(can('contact:user.phone:readonly') ? { mobile: user.mobile, mobile_visible: true } : {}),
    gender: user.gender,
    avatar: { avatar_72: `${avatarBase}_72.png`, avatar_240: `${avatarBase}_240.png`, avatar_640: `${avatarBase}_640.png`, avatar_origin: `${avatarBase}.png` },
    status: serializeStatus(user.status),
    department_ids: user.departmentIds.map((id) => departmentIdAs(tenant, id, ids.departmentIdType)),
    ...(user.leaderUserId === undefined ? {} : leaderOf(app, tenant, user.leaderUserId, ids.userIdType)),
    city: user.city,
    country: user.country,
    work_station: user.workStation,
    join_time: user.joinTime,
    is_tenant_manager: user.isTenantManager,
    ...(can('contact:user.employee:readonly') ? { employee_no: user.employeeNo, employee_type: user.employeeType } : {}),
    job_title: user.jobTitle,
    orders: user.departmentIds.map((id, index) => ({
      department_id: departmentIdAs(tenant, id, ids.departmentIdType),
      user_order: 0,
      // Larger comes first; the primary department has the largest (user/get docs).
      department_order: user.departmentIds.length - index,
      is_primary_dept: id === primary,
    })),
  };
}

function leaderOf(app: App, tenant: Tenant, leaderUserId: string, idType: UserIdType): { leader_user_id?: string } {
  const leader = tenant.users.get(leaderUserId);
  return leader === undefined ? {} : { leader_user_id: userIdAs(app, tenant.tenantKey, leader, idType) };
}

/**
 * The department object of contact v3. `counts: false` leaves out the member counts, which cover
 * the whole subtree and are recounted after every directory change; events do not carry them.
 */
export function serializeDepartment(app: App, tenant: Tenant, department: Department, ids: IdTypes, options: { counts: boolean } = { counts: true }): Record<string, unknown> {
  const index = options.counts ? directoryIndex(tenant) : undefined;
  const leader = department.leaderUserId === undefined ? undefined : tenant.users.get(department.leaderUserId);
  const leaderId = leader === undefined ? undefined : userIdAs(app, tenant.tenantKey, leader, ids.userIdType);
  return {
    name: department.name,
    i18n_name: { zh_cn: department.name, en_us: department.enName, ja_jp: '' },
    parent_department_id: department.parentId === '' ? '' : departmentIdAs(tenant, department.parentId, ids.departmentIdType),
    department_id: department.departmentId,
    open_department_id: department.openDepartmentId,
    ...(leaderId === undefined ? {} : { leader_user_id: leaderId, leaders: [{ leaderType: 1, leaderID: leaderId }] }),
    ...(department.chatId === undefined ? {} : { chat_id: department.chatId }),
    order: String(department.order),
    // Both count the whole subtree (department/children docs), not only direct members.
    ...(index === undefined ? {} : { member_count: index.memberCount(department.openDepartmentId), primary_member_count: index.primaryMemberCount(department.openDepartmentId) }),
    status: { is_deleted: department.deleted },
  };
}

export function serializeGroup(group: Group): Record<string, unknown> {
  return {
    id: group.groupId,
    group_id: group.groupId,
    name: group.name,
    description: group.description,
    member_user_count: group.memberUserIds.size,
    member_department_count: group.memberDepartmentIds.size,
    type: group.type,
    department_scope_list: [],
  };
}
