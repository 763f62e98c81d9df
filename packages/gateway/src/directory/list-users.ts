import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { ANY, decodeCursor, encodeCursor, MICROSECOND_TIME } from './directory-cursor.ts';
import type { UserStatus } from './directory-query-schemas.ts';
import { userViewOf, type UserView } from './entity-views.ts';

export type Page<Item> = { items: Item[]; next_cursor: string | null };

export type UserFilters = {
  readonly department?: { readonly id: string; readonly includeSubdepartments: boolean };
  readonly statuses: readonly UserStatus[];
  /** ISO 8601 with a zone; passed to the database as text so that microseconds survive. */
  readonly updatedSince?: string;
  readonly q?: string;
  readonly connection?: string;
  readonly limit: number;
  readonly cursor?: string;
};

// Microseconds matter: a cursor rounded to milliseconds would repeat rows written in the same ms.
const cursorTime = sql<string>`to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A page of users. Without `updatedSince` pages follow the primary key (connection, tenant,
 * open_id), so users updated while a client pages never repeat or go missing; with it they follow
 * (updated_at, open_id): a user updated meanwhile comes again on a later page, in its new state.
 * Rejects with `directory.department_not_found` and `http.invalid_query` (a foreign cursor).
 */
export async function listUsers(kysely: Kysely<Tables>, filters: UserFilters): Promise<Page<UserView>> {
  const byUpdate = filters.updatedSince !== undefined;
  let query = kysely.selectFrom('directory_users').selectAll().select(cursorTime.as('cursor_time')).where('state', 'in', [...filters.statuses]);
  if (filters.connection !== undefined) query = query.where('connection', '=', filters.connection);
  if (filters.updatedSince !== undefined) query = query.where('updated_at', '>=', sql<Date>`cast(${filters.updatedSince} as timestamptz)`);
  if (filters.q !== undefined) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('en_name', 'ilike', pattern), eb('email', 'ilike', pattern), eb('enterprise_email', 'ilike', pattern)]));
  }
  if (filters.department !== undefined) {
    const { scopes, root } = await departmentMembership(kysely, filters.department, filters.connection);
    query = query.where((eb) =>
      eb.or([
        ...scopes.map((scope) => eb.and([eb('connection', '=', scope.connection), eb('tenant_key', '=', scope.tenantKey), eb('department_ids', '&&', sql<string[]>`cast(${scope.ids} as text[])`)])),
        ...(root ? [eb(sql.lit('0'), '=', eb.fn.any('department_ids'))] : []),
      ]),
    );
  }
  if (filters.cursor !== undefined) {
    if (byUpdate) {
      const [time, openId, connection, tenantKey] = decodeCursor(filters.cursor, 'users_by_update', [MICROSECOND_TIME, ANY, ANY, ANY]);
      query = query.where(sql<boolean>`(updated_at, open_id, connection, tenant_key) > (cast(${time} as timestamptz), ${openId}, ${connection}, ${tenantKey})`);
    } else {
      const [connection, tenantKey, openId] = decodeCursor(filters.cursor, 'users', [ANY, ANY, ANY]);
      query = query.where((eb) => eb(eb.refTuple('connection', 'tenant_key', 'open_id'), '>', eb.tuple(connection ?? '', tenantKey ?? '', openId ?? '')));
    }
  }
  query = byUpdate ? query.orderBy('updated_at').orderBy('open_id').orderBy('connection').orderBy('tenant_key') : query.orderBy('connection').orderBy('tenant_key').orderBy('open_id');
  // One row more than asked says whether another page follows.
  const rows = await query.limit(filters.limit + 1).execute();
  const items = rows.slice(0, filters.limit);
  const last = items.at(-1);
  const more = rows.length > filters.limit && last !== undefined;
  return {
    items: items.map(userViewOf),
    next_cursor: !more ? null : byUpdate ? encodeCursor('users_by_update', [last.cursor_time, last.open_id, last.connection, last.tenant_key]) : encodeCursor('users', [last.connection, last.tenant_key, last.open_id]),
  };
}

type Membership = { scopes: { connection: string; tenantKey: string; ids: string[] }[]; root: boolean };

/**
 * The departments whose members a department filter selects, per directory: the department
 * itself (by either id) and, with sub-departments, everything below it through
 * `parent_open_department_id`. `0`, the root, has no row of its own: with sub-departments it
 * selects every department, and users directly under the root.
 */
async function departmentMembership(kysely: Kysely<Tables>, department: NonNullable<UserFilters['department']>, connection: string | undefined): Promise<Membership> {
  const { id, includeSubdepartments } = department;
  const root = id === '0';
  if (root && !includeSubdepartments) return { scopes: [], root };
  const seeds = kysely
    .selectFrom('directory_departments')
    .select(['connection', 'tenant_key', 'open_department_id'])
    .where((eb) => (root ? eb('parent_open_department_id', '=', '0') : eb.or([eb('open_department_id', '=', id), eb('department_id', '=', id)])))
    .$if(connection !== undefined, (qb) => qb.where('connection', '=', connection ?? ''));
  const rows = includeSubdepartments
    ? await kysely
        // `union` (not `union all`) drops repeats, so even a cycle in bad data ends.
        .withRecursive('subtree(connection, tenant_key, open_department_id)', (db) =>
          seeds.union(
            db
              .selectFrom('directory_departments as child')
              .innerJoin('subtree', (join) =>
                join.onRef('child.connection', '=', 'subtree.connection').onRef('child.tenant_key', '=', 'subtree.tenant_key').onRef('child.parent_open_department_id', '=', 'subtree.open_department_id'),
              )
              .select(['child.connection', 'child.tenant_key', 'child.open_department_id']),
          ),
        )
        .selectFrom('subtree')
        .selectAll()
        .execute()
    : await seeds.execute();
  if (rows.length === 0 && !root) throw new GatewayError('directory.department_not_found', `No department has the id "${id.slice(0, 200)}".`);
  const scopes = new Map<string, Membership['scopes'][number]>();
  for (const row of rows) {
    const key = JSON.stringify([row.connection, row.tenant_key]);
    const scope = scopes.get(key) ?? { connection: row.connection, tenantKey: row.tenant_key, ids: [] };
    scope.ids.push(row.open_department_id);
    scopes.set(key, scope);
  }
  return { scopes: [...scopes.values()], root };
}
