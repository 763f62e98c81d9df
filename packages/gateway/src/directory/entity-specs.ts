import type { DepartmentRow, GroupRow, UserRow } from './entity-rows.ts';
import { departmentViewOf, groupViewOf, userViewOf } from './entity-views.ts';
import type { EntitySpec, Row } from './write-entities.ts';

export const userSpec: EntitySpec = {
  entity: 'user',
  table: 'directory_users',
  key: 'open_id',
  stateOf: (row) => row['state'] as 'active' | 'deactivated' | 'deleted',
  deletedFields: (at) => ({ state: 'deleted', deleted_at: at }),
  viewOf: (row: Row) => userViewOf(row as unknown as UserRow),
};

export const departmentSpec: EntitySpec = {
  entity: 'department',
  table: 'directory_departments',
  key: 'open_department_id',
  stateOf: (row) => (row['is_deleted'] === true ? 'deleted' : 'active'),
  deletedFields: (at) => ({ is_deleted: true, deleted_at: at }),
  viewOf: (row: Row) => departmentViewOf(row as unknown as DepartmentRow),
};

export const groupSpec: EntitySpec = {
  entity: 'group',
  table: 'directory_groups',
  key: 'group_id',
  stateOf: (row) => (row['is_deleted'] === true ? 'deleted' : 'active'),
  deletedFields: (at) => ({ is_deleted: true, deleted_at: at }),
  viewOf: (row: Row) => groupViewOf(row as unknown as GroupRow),
};
