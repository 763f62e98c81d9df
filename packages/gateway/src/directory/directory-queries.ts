import type { Database } from '../db/index.ts';
import type { DepartmentNode, GroupMember } from './directory-view-schemas.ts';
import type { DepartmentView, GroupView, UserView } from './entity-views.ts';
import { findUser } from './find-user.ts';
import { departmentTree, listDepartments, type DepartmentFilters } from './list-departments.ts';
import { listGroupMembers, listGroups } from './list-groups.ts';
import { listUsers, type Page, type UserFilters } from './list-users.ts';

type Paged = { readonly limit: number; readonly cursor?: string };

/** The read side of the directory mirror, as `/api/v1/directory/*` serves it. */
export type DirectoryQueries = {
  listUsers(filters: UserFilters): Promise<Page<UserView>>;
  findUser(id: string, connection?: string): Promise<UserView>;
  listDepartments(filters: DepartmentFilters & Paged): Promise<Page<DepartmentView>>;
  departmentTree(filters: DepartmentFilters): Promise<DepartmentNode[]>;
  listGroups(filters: { readonly includeDeleted: boolean; readonly connection?: string } & Paged): Promise<Page<GroupView>>;
  listGroupMembers(groupId: string, filters: { readonly memberType?: GroupMember['member_type']; readonly connection?: string } & Paged): Promise<Page<GroupMember>>;
};

/**
 * The directory's read queries over one database.
 *
 * @example
 * const queries = createDirectoryQueries(database);
 * const page = await queries.listUsers({ statuses: ['active'], department: { id: 'od-1', includeSubdepartments: true }, limit: 50 });
 */
export function createDirectoryQueries(database: Database): DirectoryQueries {
  const { kysely } = database;
  return {
    listUsers: async (filters) => await listUsers(kysely, filters),
    findUser: async (id, connection) => await findUser(kysely, id, connection),
    listDepartments: async (filters) => await listDepartments(kysely, filters),
    departmentTree: async (filters) => await departmentTree(kysely, filters),
    listGroups: async (filters) => await listGroups(kysely, filters),
    listGroupMembers: async (groupId, filters) => await listGroupMembers(kysely, groupId, filters),
  };
}

export type { Page, UserFilters } from './list-users.ts';
