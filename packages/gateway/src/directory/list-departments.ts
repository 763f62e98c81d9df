import type { Kysely } from 'kysely';
import type { Tables } from '../db/index.ts';
import { buildDepartmentTree } from './department-tree.ts';
import { ANY, decodeCursor, encodeCursor } from './directory-cursor.ts';
import type { DepartmentNode } from './directory-view-schemas.ts';
import { departmentViewOf, type DepartmentView } from './entity-views.ts';
import type { Page } from './list-users.ts';

export type DepartmentFilters = { readonly includeDeleted: boolean; readonly connection?: string };

/** A page of departments in primary-key order (connection, tenant, open_department_id). */
export async function listDepartments(kysely: Kysely<Tables>, filters: DepartmentFilters & { readonly limit: number; readonly cursor?: string }): Promise<Page<DepartmentView>> {
  let query = selectDepartments(kysely, filters);
  if (filters.cursor !== undefined) {
    const [connection = '', tenantKey = '', id = ''] = decodeCursor(filters.cursor, 'departments', [ANY, ANY, ANY]);
    query = query.where((eb) => eb(eb.refTuple('connection', 'tenant_key', 'open_department_id'), '>', eb.tuple(connection, tenantKey, id)));
  }
  const rows = await query.orderBy('connection').orderBy('tenant_key').orderBy('open_department_id').limit(filters.limit + 1).execute();
  const items = rows.slice(0, filters.limit);
  const last = items.at(-1);
  return {
    items: items.map(departmentViewOf),
    next_cursor: rows.length > filters.limit && last !== undefined ? encodeCursor('departments', [last.connection, last.tenant_key, last.open_department_id]) : null,
  };
}

/** Every department at once, nested (see `buildDepartmentTree`). */
export async function departmentTree(kysely: Kysely<Tables>, filters: DepartmentFilters): Promise<DepartmentNode[]> {
  const rows = await selectDepartments(kysely, filters).execute();
  return buildDepartmentTree(rows.map(departmentViewOf));
}

function selectDepartments(kysely: Kysely<Tables>, filters: DepartmentFilters) {
  return kysely
    .selectFrom('directory_departments')
    .selectAll()
    .$if(!filters.includeDeleted, (qb) => qb.where('is_deleted', '=', false))
    .$if(filters.connection !== undefined, (qb) => qb.where('connection', '=', filters.connection ?? ''));
}
