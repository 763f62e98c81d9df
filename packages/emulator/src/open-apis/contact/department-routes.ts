import type { Hono } from 'hono';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { departmentInScope } from '../../state/contact-scope.ts';
import { directoryIndex, type DirectoryIndex } from '../../state/directory-index.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { Department } from '../../state/types.ts';
import { contactErrors } from './contact-errors.ts';
import { assertDepartmentVisible, contactBase, contactCaller, contactPageErrors, existingDepartment, idTypes } from './contact-request.ts';
import { findDepartment, serializeDepartment } from './serialize.ts';

/** Departments: get, batch, parent chain and children (direct, or the whole subtree with `fetch_child`). */
export function addDepartmentRoutes(app: Hono, state: EmulatorState, options: { maxRecursiveDepartments: () => number }): void {
  app.get(`${contactBase}/departments/batch`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const requested = c.req.queries('department_ids') ?? [];
    if (requested.length === 0 || requested.length > 50) throw contactErrors.invalidParam('department_ids: 1 to 50 ids');
    const items = requested.flatMap((id) => {
      // Like users/batch: what the app may not see is left out rather than failing the batch.
      const department = findDepartment(tenant, id, ids.departmentIdType);
      if (department === undefined || department.deleted || !departmentInScope(self, tenant, department.openDepartmentId)) return [];
      return [serializeDepartment(self, tenant, department, ids)];
    });
    return ok(c, { items });
  });

  app.get(`${contactBase}/departments/parent`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.query('department_id') ?? '', ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    const parents: Department[] = [];
    for (let current = tenant.departments.get(department.parentId); current !== undefined && current.openDepartmentId !== '0'; current = tenant.departments.get(current.parentId)) {
      parents.push(current);
    }
    const page = paginate(parents, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 10, maxSize: 50, scope: `parent:${department.openDepartmentId}` }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map((item) => serializeDepartment(self, tenant, item, ids)) });
  });

  app.get(`${contactBase}/departments/:department_id/children`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.param('department_id'), ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    const recursive = c.req.query('fetch_child') === 'true';
    const index = directoryIndex(tenant);
    let found: readonly Department[];
    if (recursive) {
      // Feishu refuses recursion below a big department (43010) and does not publish the size;
      // the emulator's threshold is the `maxRecursiveDepartments` option / setting.
      const subtree = descendants(index, department.openDepartmentId, options.maxRecursiveDepartments());
      if (subtree === undefined) throw contactErrors.tooBigToRecurse();
      found = subtree;
    } else {
      found = index.children(department.openDepartmentId);
    }
    // Everything under a visible department is visible (scope_authority docs), so the listing
    // needs no further filtering.
    const page = paginate(found, {
      pageSize: c.req.query('page_size'),
      pageToken: c.req.query('page_token'),
      defaultSize: 10,
      maxSize: 50,
      scope: `children:${department.openDepartmentId}:${String(recursive)}`,
    }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map((item) => serializeDepartment(self, tenant, item, ids)) });
  });

  app.get(`${contactBase}/departments/:department_id`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.param('department_id'), ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    return ok(c, { department: serializeDepartment(self, tenant, department, ids) });
  });
}

/** Every live department below `openDepartmentId`, level by level, or undefined past `max`. */
function descendants(index: DirectoryIndex, openDepartmentId: string, max: number): Department[] | undefined {
  const found: Department[] = [];
  for (let level = [openDepartmentId]; level.length > 0; ) {
    const next: string[] = [];
    for (const parentId of level) {
      for (const child of index.children(parentId)) {
        found.push(child);
        next.push(child.openDepartmentId);
      }
    }
    if (found.length > max) return undefined;
    level = next;
  }
  return found;
}
