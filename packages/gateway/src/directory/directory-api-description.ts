import { z } from 'zod';
import type { ApiDescription } from '../api-docs/index.ts';
import {
  groupMembersQuerySchema,
  groupParamsSchema,
  listDepartmentsQuerySchema,
  listGroupsQuerySchema,
  listUsersQuerySchema,
  userLookupParamsSchema,
  userLookupQuerySchema,
} from './directory-query-schemas.ts';
import { departmentNodeSchema, departmentViewSchema, groupMemberSchema, groupViewSchema, pageSchema, userViewSchema } from './directory-view-schemas.ts';

const departmentsAnswer = z.union([pageSchema(departmentViewSchema), pageSchema(departmentNodeSchema)]);

/** The directory routes of `add-directory-api-routes.ts`, for `/api/v1/openapi.json`. */
export const directoryApiDescription: ApiDescription = {
  tag: { name: 'directory', description: 'The Feishu organisation mirrored by directory sync: users, departments, user groups. Served from the gateway\'s database; Feishu is not called.' },
  schemas: {
    DirectoryUser: userViewSchema,
    DirectoryDepartment: departmentViewSchema,
    DirectoryDepartmentNode: departmentNodeSchema,
    DirectoryGroup: groupViewSchema,
    DirectoryGroupMember: groupMemberSchema,
  },
  operations: [
    {
      method: 'get',
      path: '/api/v1/directory/users',
      operationId: 'listDirectoryUsers',
      summary: 'List users',
      description: 'Filters combine with AND. Without `updated_since`, pages follow the primary key, so updates while paging neither repeat nor skip users; with it, pages follow (updated_at, open_id) and a user updated meanwhile comes again later.',
      scope: 'directory:read',
      query: listUsersQuerySchema,
      response: { status: 200, description: 'A page of users.', schema: pageSchema(userViewSchema) },
      errors: ['http.invalid_query', 'directory.department_not_found'],
    },
    {
      method: 'get',
      path: '/api/v1/directory/users/:id',
      operationId: 'getDirectoryUser',
      summary: 'Look a user up by any id or email',
      description: 'Deleted users are found too (`status: "deleted"`). When several users match, the single one not deleted wins; otherwise 409.',
      scope: 'directory:read',
      params: userLookupParamsSchema,
      query: userLookupQuerySchema,
      response: { status: 200, description: 'The user.', schema: userViewSchema },
      errors: ['http.invalid_query', 'directory.user_not_found', 'directory.ambiguous'],
    },
    {
      method: 'get',
      path: '/api/v1/directory/departments',
      operationId: 'listDirectoryDepartments',
      summary: 'List departments, as a page or as a tree',
      description: 'With `format=tree`, `items` holds the top-level departments (and any whose parent is not shown), each with its `children`, siblings in Feishu\'s order; `next_cursor` is null.',
      scope: 'directory:read',
      query: listDepartmentsQuerySchema,
      response: { status: 200, description: 'A page of departments, or the whole tree.', schema: departmentsAnswer },
      errors: ['http.invalid_query'],
    },
    {
      method: 'get',
      path: '/api/v1/directory/groups',
      operationId: 'listDirectoryGroups',
      summary: 'List user groups',
      scope: 'directory:read',
      query: listGroupsQuerySchema,
      response: { status: 200, description: 'A page of user groups with their member counts.', schema: pageSchema(groupViewSchema) },
      errors: ['http.invalid_query'],
    },
    {
      method: 'get',
      path: '/api/v1/directory/groups/:id/members',
      operationId: 'listDirectoryGroupMembers',
      summary: 'List the members of a user group',
      description: 'Members are users (open_id) and departments (open_department_id).',
      scope: 'directory:read',
      params: groupParamsSchema,
      query: groupMembersQuerySchema,
      response: { status: 200, description: 'A page of members.', schema: pageSchema(groupMemberSchema) },
      errors: ['http.invalid_query', 'directory.group_not_found', 'directory.ambiguous'],
    },
  ],
};
