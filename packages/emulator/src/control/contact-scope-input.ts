import { controlError } from '../errors/control-error.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { App, ContactScope } from '../state/types.ts';
import { existingDepartment, existingUser } from './directory-fields.ts';

/**
 * The `contact_scope` of `PATCH /_emulator/apps/:app_id`: `{tenant_key?, departments?, users?,
 * groups?}`, where departments may be named by either id family (`0` grants everything), users by
 * user_id, union_id or any installed app's open_id, and groups by group id. Ids are stored in the
 * emulator's own families (open_department_id, user_id); an unknown one is refused, so a typo
 * cannot silently narrow the scope to nothing.
 */
export function parseContactScope(state: EmulatorState, app: App, input: unknown): { tenantKey: string; scope: ContactScope } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw controlError(400, 'contact_scope must be an object');
  const fields = input as Record<string, unknown>;
  const tenantKey = typeof fields['tenant_key'] === 'string' ? fields['tenant_key'] : [...app.installations.keys()][0];
  const tenant = tenantKey === undefined ? undefined : state.tenants.get(tenantKey);
  if (tenantKey === undefined || tenant === undefined || !app.installations.has(tenantKey)) throw controlError(400, 'contact_scope.tenant_key: the app is not installed there');
  const list = (key: string): string[] => {
    const value = fields[key] ?? [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw controlError(400, `contact_scope.${key} must be a list of ids`);
    return value as string[];
  };
  const departments = list('departments').map((id) => existingDepartment(tenant, id).openDepartmentId);
  const users = list('users').map((id) => existingUser(state, tenant, id).userId);
  const groups = list('groups').map((id) => {
    if (!tenant.groups.has(id)) throw controlError(404, `no user group ${id} in tenant ${tenant.tenantKey}`);
    return id;
  });
  return { tenantKey, scope: { departments: [...new Set(departments)], users: [...new Set(users)], groups: [...new Set(groups)] } };
}
