import { builtInEmployeeTypes } from './employee-type-enums.ts';
import type { Department, Tenant, User } from './types.ts';

/** A tenant with only its root department (`0`). */
export function createTenant(options: { tenantKey: string; name: string; domain: string }): Tenant {
  const tenant: Tenant = {
    ...options,
    departments: new Map(),
    children: new Map(),
    members: new Map(),
    users: new Map(),
    usersByUnionId: new Map(),
    usersByEmail: new Map(),
    usersByMobile: new Map(),
    groups: new Map(),
    employeeTypeEnums: new Map(builtInEmployeeTypes(options.tenantKey).map((option) => [option.enumId, option])),
    chats: new Map(),
    revision: 0,
  };
  putDepartment(tenant, {
    openDepartmentId: '0',
    departmentId: '0',
    name: options.name,
    enName: options.name,
    parentId: '',
    leaderUserId: undefined,
    order: 0,
    chatId: undefined,
    deleted: false,
  });
  return tenant;
}

/** Adds or replaces a department, keeping the parent → children index current. */
export function putDepartment(tenant: Tenant, department: Department): void {
  tenant.revision += 1;
  const previous = tenant.departments.get(department.openDepartmentId);
  if (previous !== undefined) tenant.children.get(previous.parentId)?.delete(previous.openDepartmentId);
  tenant.departments.set(department.openDepartmentId, department);
  if (department.parentId !== '') {
    let siblings = tenant.children.get(department.parentId);
    if (siblings === undefined) tenant.children.set(department.parentId, (siblings = new Set()));
    siblings.add(department.openDepartmentId);
  }
}

/** Adds or replaces a user, keeping the membership, email, mobile and union_id indexes current. */
export function putUser(tenant: Tenant, user: User): void {
  tenant.revision += 1;
  const previous = tenant.users.get(user.userId);
  if (previous !== undefined) {
    for (const departmentId of previous.departmentIds) tenant.members.get(departmentId)?.delete(previous.userId);
    tenant.usersByEmail.delete(previous.email.toLowerCase());
    tenant.usersByMobile.delete(previous.mobile);
  }
  tenant.users.set(user.userId, user);
  tenant.usersByUnionId.set(user.unionId, user.userId);
  if (user.deleted) return;
  if (user.email !== '') tenant.usersByEmail.set(user.email.toLowerCase(), user.userId);
  if (user.mobile !== '') tenant.usersByMobile.set(user.mobile, user.userId);
  for (const departmentId of user.departmentIds) {
    let members = tenant.members.get(departmentId);
    if (members === undefined) tenant.members.set(departmentId, (members = new Set()));
    members.add(user.userId);
  }
}
