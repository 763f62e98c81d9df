import type { Hono } from 'hono';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { hasFullScope } from '../../state/contact-scope.ts';
import { directoryIndex } from '../../state/directory-index.ts';
import { serializeEmployeeTypeEnum } from '../../state/employee-type-enums.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { userIdAs } from '../../state/ids.ts';
import type { App, Tenant, User } from '../../state/types.ts';
import { contactBase, contactCaller, contactPageErrors, idTypes } from './contact-request.ts';
import { departmentIdAs, type IdTypes } from './serialize.ts';

type Entry = { kind: 'user' | 'department' | 'group'; id: string };

/** The app's contact scope (`scopes`) and the tenant's workforce types (`employee_type_enums`). */
export function addScopeRoutes(app: Hono, state: EmulatorState): void {
  app.get(`${contactBase}/scopes`, (c) => {
    const { app: self, tenant } = contactCaller(state, c, ['tenant']);
    const entries = scopeEntries(self, tenant, idTypes(c));
    const page = paginate(entries, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: 'scopes' }, contactPageErrors);
    const pick = (kind: Entry['kind']) => page.items.filter((entry) => entry.kind === kind).map((entry) => entry.id);
    return ok(c, { department_ids: pick('department'), user_ids: pick('user'), group_ids: pick('group'), has_more: page.has_more, ...(page.page_token === undefined ? {} : { page_token: page.page_token }) });
  });

  app.get(`${contactBase}/employee_type_enums`, (c) => {
    const { tenant } = contactCaller(state, c, ['tenant']);
    const page = paginate([...tenant.employeeTypeEnums.values()], { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 20, maxSize: 100, scope: 'employee_type_enums' }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map(serializeEmployeeTypeEnum) });
  });
}

/**
 * What the scopes API lists, users first, then departments, then groups, paged together
 * (scope/list docs). With the full scope that is the top-level departments, the people directly
 * in the root and every group; otherwise exactly what was granted, without sub-departments.
 */
function scopeEntries(app: App, tenant: Tenant, ids: IdTypes): Entry[] {
  const userEntry = (user: User | undefined): Entry[] => (user === undefined || user.deleted ? [] : [{ kind: 'user', id: userIdAs(app, tenant.tenantKey, user, ids.userIdType) }]);
  const departmentEntry = (id: string): Entry[] => (tenant.departments.get(id)?.deleted === false ? [{ kind: 'department', id: departmentIdAs(tenant, id, ids.departmentIdType) }] : []);
  if (hasFullScope(app, tenant)) {
    const index = directoryIndex(tenant);
    return [
      ...index.members('0').flatMap(userEntry),
      ...index.children('0').flatMap((department) => departmentEntry(department.openDepartmentId)),
      ...[...tenant.groups.keys()].map((id): Entry => ({ kind: 'group', id })),
    ];
  }
  const scope = app.installations.get(tenant.tenantKey) ?? { departments: [], users: [], groups: [] };
  return [
    ...scope.users.flatMap((userId) => userEntry(tenant.users.get(userId))),
    ...scope.departments.flatMap(departmentEntry),
    ...scope.groups.flatMap((id): Entry[] => (tenant.groups.has(id) ? [{ kind: 'group', id }] : [])),
  ];
}
