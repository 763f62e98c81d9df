import type { App, ContactScope, Tenant, User } from './types.ts';

/** Whether `app` may read the whole directory of `tenant` ("全部成员": the root `0` is granted). */
export function hasFullScope(app: App, tenant: Tenant): boolean {
  return app.installations.get(tenant.tenantKey)?.departments.includes('0') ?? false;
}

/**
 * Whether `app` may see a department of `tenant` under the contact scope granted at install:
 * granted departments include their whole subtree; `0` grants everything. A granted user group
 * grants the departments among its members the same way (an emulator choice: Feishu's docs list
 * groups in the scope without saying what they open up).
 */
export function departmentInScope(app: App, tenant: Tenant, openDepartmentId: string): boolean {
  const scope = app.installations.get(tenant.tenantKey);
  if (scope === undefined) return false;
  if (scope.departments.includes('0')) return true;
  const granted = grantedDepartments(tenant, scope);
  if (granted.size === 0) return false;
  let current = tenant.departments.get(openDepartmentId);
  while (current !== undefined) {
    if (granted.has(current.openDepartmentId)) return true;
    current = current.parentId === '' ? undefined : tenant.departments.get(current.parentId);
  }
  return false;
}

/**
 * A user is visible when granted directly, through a granted user group, or through any of
 * their departments ("having a department's scope gives every user in it", scope_authority docs).
 */
export function userInScope(app: App, tenant: Tenant, user: User): boolean {
  const scope = app.installations.get(tenant.tenantKey);
  if (scope === undefined) return false;
  if (scope.departments.includes('0') || scope.users.includes(user.userId)) return true;
  for (const groupId of scope.groups) if (tenant.groups.get(groupId)?.memberUserIds.has(user.userId) === true) return true;
  return user.departmentIds.some((departmentId) => departmentInScope(app, tenant, departmentId));
}

/** Whether a user group is inside the scope: every group with the full scope, else the granted ones. */
export function groupInScope(app: App, tenant: Tenant, groupId: string): boolean {
  const scope = app.installations.get(tenant.tenantKey);
  return scope !== undefined && (scope.departments.includes('0') || scope.groups.includes(groupId));
}

function grantedDepartments(tenant: Tenant, scope: ContactScope): Set<string> {
  const granted = new Set(scope.departments);
  for (const groupId of scope.groups) for (const id of tenant.groups.get(groupId)?.memberDepartmentIds ?? []) granted.add(id);
  return granted;
}
