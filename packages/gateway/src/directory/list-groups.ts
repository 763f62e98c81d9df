import type { Kysely } from 'kysely';
import type { Tables } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { ANY, decodeCursor, encodeCursor } from './directory-cursor.ts';
import type { GroupMember } from './directory-view-schemas.ts';
import { groupViewOf, type GroupView } from './entity-views.ts';
import type { Page } from './list-users.ts';

/** A page of user groups in primary-key order (connection, tenant, group_id). */
export async function listGroups(
  kysely: Kysely<Tables>,
  filters: { readonly includeDeleted: boolean; readonly connection?: string; readonly limit: number; readonly cursor?: string },
): Promise<Page<GroupView>> {
  let query = kysely
    .selectFrom('directory_groups')
    .selectAll()
    .$if(!filters.includeDeleted, (qb) => qb.where('is_deleted', '=', false))
    .$if(filters.connection !== undefined, (qb) => qb.where('connection', '=', filters.connection ?? ''));
  if (filters.cursor !== undefined) {
    const [connection = '', tenantKey = '', id = ''] = decodeCursor(filters.cursor, 'groups', [ANY, ANY, ANY]);
    query = query.where((eb) => eb(eb.refTuple('connection', 'tenant_key', 'group_id'), '>', eb.tuple(connection, tenantKey, id)));
  }
  const rows = await query.orderBy('connection').orderBy('tenant_key').orderBy('group_id').limit(filters.limit + 1).execute();
  const items = rows.slice(0, filters.limit);
  const last = items.at(-1);
  return {
    items: items.map(groupViewOf),
    next_cursor: rows.length > filters.limit && last !== undefined ? encodeCursor('groups', [last.connection, last.tenant_key, last.group_id]) : null,
  };
}

/**
 * A page of a group's members, departments before users, each kind by id. The group is found
 * first (deleted ones too): `directory.group_not_found`, or `directory.ambiguous` when the id
 * exists in several connections and none was named.
 */
export async function listGroupMembers(
  kysely: Kysely<Tables>,
  groupId: string,
  filters: { readonly memberType?: GroupMember['member_type']; readonly connection?: string; readonly limit: number; readonly cursor?: string },
): Promise<Page<GroupMember>> {
  const groups = await kysely
    .selectFrom('directory_groups')
    .select(['connection', 'tenant_key'])
    .where('group_id', '=', groupId)
    .$if(filters.connection !== undefined, (qb) => qb.where('connection', '=', filters.connection ?? ''))
    .orderBy('connection')
    .orderBy('tenant_key')
    .limit(20)
    .execute();
  const [group] = groups;
  if (group === undefined) throw new GatewayError('directory.group_not_found', `No user group has the id "${groupId.slice(0, 200)}".`);
  if (groups.length > 1) throw new GatewayError('directory.ambiguous', `The group id is in connections ${[...new Set(groups.map((row) => row.connection))].join(', ')}; add connection= to choose.`);

  let query = kysely
    .selectFrom('directory_group_members')
    .select(['member_type', 'member_id'])
    .where('connection', '=', group.connection)
    .where('tenant_key', '=', group.tenant_key)
    .where('group_id', '=', groupId)
    .$if(filters.memberType !== undefined, (qb) => qb.where('member_type', '=', filters.memberType ?? 'user'));
  if (filters.cursor !== undefined) {
    const [type = '', id = ''] = decodeCursor(filters.cursor, 'members', [/^(user|department)$/, ANY]);
    query = query.where((eb) => eb(eb.refTuple('member_type', 'member_id'), '>', eb.tuple(type as GroupMember['member_type'], id)));
  }
  const rows = await query.orderBy('member_type').orderBy('member_id').limit(filters.limit + 1).execute();
  const items = rows.slice(0, filters.limit);
  const last = items.at(-1);
  return {
    items: items.map((row): GroupMember => (row.member_type === 'user' ? { member_type: 'user', open_id: row.member_id } : { member_type: 'department', open_department_id: row.member_id })),
    next_cursor: rows.length > filters.limit && last !== undefined ? encodeCursor('members', [last.member_type, last.member_id]) : null,
  };
}
