import type { App, Tenant, User } from './types.ts';

/**
 * Whether `app` may see a department of `tenant` under the contact scope granted at install:
 * granted departments include their whole subtree; `0` grants everything.
 */
export function departmentInScope(app: App, tenant: Tenant, openDepartmentId: string): boolean {
  const scope = app.installations.get(tenant.tenantKey);
  if (scope === undefined) return false;
  if (scope.departments.includes('0')) return true;
  let current = tenant.departments.get(openDepartmentId);
  while (current !== undefined) {
    if (scope.departments.includes(current.openDepartmentId)) return true;
    current = current.parentId === '' ? undefined : tenant.departments.get(current.parentId);
  }
  return false;
}

/** A user is visible when granted directly or through any of their departments. */
export function userInScope(app: App, tenant: Tenant, user: User): boolean {
  const scope = app.installations.get(tenant.tenantKey);
  if (scope === undefined) return false;
  if (scope.departments.includes('0') || scope.users.includes(user.userId)) return true;
  return user.departmentIds.some((departmentId) => departmentInScope(app, tenant, departmentId));
}
