import type { Hono } from 'hono';
import { requireScope } from '../api-keys/index.ts';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { readQuery, type AppEnv } from '../http/index.ts';
import { createDirectoryQueries } from './directory-queries.ts';
import {
  DEFAULT_LIMIT,
  groupMembersQuerySchema,
  groupParamsSchema,
  listDepartmentsQuerySchema,
  listGroupsQuerySchema,
  listUsersQuerySchema,
  userLookupParamsSchema,
  userLookupQuerySchema,
} from './directory-query-schemas.ts';

/**
 * The directory API (issue 7, item 5), mounted under the API-key middleware of `addApiRoutes`,
 * every route needing `directory:read`: users (filters, search, cursor pages), one user by any id
 * or email, departments (a page, or the whole tree), groups and their members. Items are the
 * views of entity-views.ts, the same representations change webhooks carry. Described for
 * `/api/v1/openapi.json` by `directoryApiDescription`.
 *
 * @example
 * addApiRoutes({ apiKeys, routes: [addEventsApiRoutes({ … }), addDirectoryApiRoutes({ database })] })
 */
export function addDirectoryApiRoutes(deps: { database: Database }): (app: Hono<AppEnv>) => void {
  const queries = createDirectoryQueries(deps.database);
  return (app) => {
    app.get('/api/v1/directory/users', requireScope('directory:read'), async (c) => {
      const query = readQuery(c, listUsersQuerySchema);
      const page = await queries.listUsers({
        statuses: query.status ?? ['active', 'deactivated'],
        limit: query.limit ?? DEFAULT_LIMIT,
        ...(query.department === undefined ? {} : { department: { id: query.department, includeSubdepartments: query.include_subdepartments ?? false } }),
        ...(query.updated_since === undefined ? {} : { updatedSince: query.updated_since }),
        ...(query.q === undefined ? {} : { q: query.q }),
        ...(query.connection === undefined ? {} : { connection: query.connection }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      return c.json(page);
    });

    app.get('/api/v1/directory/users/:id', requireScope('directory:read'), async (c) => {
      const { connection } = readQuery(c, userLookupQuerySchema);
      const params = userLookupParamsSchema.safeParse(c.req.param());
      if (!params.success) throw new GatewayError('directory.user_not_found', 'No user in the directory has this id or email.');
      return c.json(await queries.findUser(params.data.id, connection));
    });

    app.get('/api/v1/directory/departments', requireScope('directory:read'), async (c) => {
      const query = readQuery(c, listDepartmentsQuerySchema);
      const filters = { includeDeleted: query.include_deleted ?? false, ...(query.connection === undefined ? {} : { connection: query.connection }) };
      if (query.format === 'tree') return c.json({ items: await queries.departmentTree(filters), next_cursor: null });
      return c.json(await queries.listDepartments({ ...filters, limit: query.limit ?? DEFAULT_LIMIT, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) }));
    });

    app.get('/api/v1/directory/groups', requireScope('directory:read'), async (c) => {
      const query = readQuery(c, listGroupsQuerySchema);
      return c.json(
        await queries.listGroups({
          includeDeleted: query.include_deleted ?? false,
          limit: query.limit ?? DEFAULT_LIMIT,
          ...(query.connection === undefined ? {} : { connection: query.connection }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
      );
    });

    app.get('/api/v1/directory/groups/:id/members', requireScope('directory:read'), async (c) => {
      const query = readQuery(c, groupMembersQuerySchema);
      const params = groupParamsSchema.safeParse(c.req.param());
      if (!params.success) throw new GatewayError('directory.group_not_found', 'No user group has this id.');
      return c.json(
        await queries.listGroupMembers(params.data.id, {
          limit: query.limit ?? DEFAULT_LIMIT,
          ...(query.member_type === undefined ? {} : { memberType: query.member_type }),
          ...(query.connection === undefined ? {} : { connection: query.connection }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
      );
    });
  };
}
