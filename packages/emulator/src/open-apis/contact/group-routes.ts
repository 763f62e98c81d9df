import type { Context, Hono } from 'hono';
import { requireScope } from '../../http/authenticate.ts';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { groupInScope } from '../../state/contact-scope.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUser, isUserIdType, userIdAs } from '../../state/ids.ts';
import type { App, Group, Tenant } from '../../state/types.ts';
import { contactErrors } from './contact-errors.ts';
import { asUserIdType, contactBase, contactCaller, contactPageErrors, renamedPage } from './contact-request.ts';
import { departmentIdAs, serializeGroup } from './serialize.ts';

const groupScopes = ['contact:group:readonly', 'contact:contact:readonly_as_app'];

/**
 * User groups: list, get, members, and the groups of one member. With a contact scope narrower
 * than the whole company only the granted groups exist for the app (group/simplelist docs); a
 * named group outside it is 42009.
 */
export function addGroupRoutes(app: Hono, state: EmulatorState): void {
  const caller = (c: Context) => {
    const found = contactCaller(state, c, ['tenant']);
    requireScope(found.app, groupScopes);
    return found;
  };

  app.get(`${contactBase}/group/simplelist`, (c) => {
    const { app: self, tenant } = caller(c);
    const type = groupType(c.req.query('type')) ?? 1;
    const groups = [...tenant.groups.values()].filter((group) => group.type === type && groupInScope(self, tenant, group.groupId));
    const page = paginate(groups, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: `groups:${type}` }, contactPageErrors);
    return ok(c, renamedPage({ ...page, items: page.items.map(serializeGroup) }, 'grouplist'));
  });

  app.get(`${contactBase}/group/member_belong`, (c) => {
    const { app: self, tenant } = caller(c);
    const idType = asUserIdType(c.req.query('member_id_type'));
    const user = findUser(self, tenant, idType, c.req.query('member_id') ?? '');
    if (user === undefined || user.deleted) throw contactErrors.userNotVisible();
    const type = groupType(c.req.query('group_type'));
    const groups = [...tenant.groups.values()]
      .filter((group) => group.memberUserIds.has(user.userId) && (type === undefined || group.type === type) && groupInScope(self, tenant, group.groupId))
      .map((group) => group.groupId);
    const page = paginate(groups, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 500, maxSize: 1000, scope: `belong:${user.userId}:${String(type)}` }, contactPageErrors);
    return ok(c, renamedPage(page, 'group_list'));
  });

  app.get(`${contactBase}/group/:group_id/member/simplelist`, (c) => {
    const { app: self, tenant } = caller(c);
    const group = visibleGroup(self, tenant, c.req.param('group_id'));
    const memberType = c.req.query('member_type') ?? 'user';
    if (memberType !== 'user' && memberType !== 'department') throw contactErrors.memberTypeInvalid();
    const memberIdType = c.req.query('member_id_type') ?? 'open_id';
    const members = memberType === 'department' ? departmentMembers(tenant, group, memberIdType) : userMembers(self, tenant, group, memberIdType);
    const page = paginate(members, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: `group:${group.groupId}:${memberType}` }, contactPageErrors);
    return ok(c, renamedPage(page, 'memberlist'));
  });

  app.get(`${contactBase}/group/:group_id`, (c) => {
    const { app: self, tenant } = caller(c);
    const { id, name, description, member_user_count, member_department_count, type } = serializeGroup(visibleGroup(self, tenant, c.req.param('group_id')));
    return ok(c, { group: { id, name, description, member_user_count, member_department_count, type } });
  });
}

function groupType(text: string | undefined): 1 | 2 | undefined {
  if (text === undefined || text === '') return undefined;
  if (text !== '1' && text !== '2') throw contactErrors.invalidParam('type must be 1 (normal) or 2 (dynamic)');
  return text === '1' ? 1 : 2;
}

function visibleGroup(app: App, tenant: Tenant, groupId: string): Group {
  const group = tenant.groups.get(groupId);
  if (group === undefined) throw contactErrors.groupMissing();
  if (!groupInScope(app, tenant, group.groupId)) throw contactErrors.groupOutOfScope();
  return group;
}

type Member = { member_id: string; member_type: 'user' | 'department'; member_id_type: string };

/**
 * `member_id_type` is `open_id`, `union_id` or `user_id` for users; for departments `open_id`
 * means the open_department_id and `department_id` the custom id (group-member/simplelist docs).
 * A family of the other member type is 41072, an unknown one 41071.
 */
function userMembers(app: App, tenant: Tenant, group: Group, memberIdType: string): Member[] {
  if (memberIdType === 'department_id' || memberIdType === 'open_department_id') throw contactErrors.memberTypeMismatch();
  if (!isUserIdType(memberIdType)) throw contactErrors.memberIdTypeInvalid();
  return [...group.memberUserIds].flatMap((userId) => {
    const user = tenant.users.get(userId);
    return user === undefined || user.deleted ? [] : [{ member_id: userIdAs(app, tenant.tenantKey, user, memberIdType), member_type: 'user' as const, member_id_type: memberIdType }];
  });
}

function departmentMembers(tenant: Tenant, group: Group, memberIdType: string): Member[] {
  if (memberIdType === 'union_id' || memberIdType === 'user_id') throw contactErrors.memberTypeMismatch();
  // `open_department_id` is accepted too, as earlier versions of the emulator documented it.
  if (memberIdType !== 'open_id' && memberIdType !== 'open_department_id' && memberIdType !== 'department_id') throw contactErrors.memberIdTypeInvalid();
  const family = memberIdType === 'department_id' ? 'department_id' : 'open_department_id';
  return [...group.memberDepartmentIds].flatMap((id) =>
    tenant.departments.get(id)?.deleted === false ? [{ member_id: departmentIdAs(tenant, id, family), member_type: 'department' as const, member_id_type: memberIdType }] : [],
  );
}
