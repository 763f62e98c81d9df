import type { Context, Hono } from 'hono';
import { authenticate, requireScope, type Caller } from '../../http/authenticate.ts';
import { contactErrors } from './contact-errors.ts';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { readJson } from '../../http/read-json.ts';
import { stringList } from '../../http/string-list.ts';
import { departmentInScope, userInScope } from '../../state/contact-scope.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUser, isUserIdType, userIdAs, type DepartmentIdType, type UserIdType } from '../../state/ids.ts';
import type { Department, Tenant, User } from '../../state/types.ts';
import { departmentIdAs, findDepartment, serializeDepartment, serializeGroup, serializeUser, type IdTypes } from './serialize.ts';
import { serializeStatus } from './serialize-status.ts';

const contactPageErrors = { pageSize: contactErrors.pageSizeInvalid, pageToken: contactErrors.pageTokenInvalid };

const base = '/open-apis/contact/v3';
const contactScopes = ['contact:contact:readonly_as_app', 'contact:contact.base:readonly', 'contact:department.base:readonly', 'contact:user.base:readonly'];

/** Contact v3: departments, users, user groups and the app's contact scope. */
export function addContactRoutes(app: Hono, state: EmulatorState, options: { maxRecursiveDepartments: () => number }): void {
  const caller = (c: Context, kinds: ('tenant' | 'user')[] = ['tenant', 'user']): Caller => {
    const found = authenticate(state, c, kinds);
    requireScope(found.app, contactScopes);
    return found;
  };

  app.get(`${base}/departments/batch`, (c) => {
    const { app: self, tenant } = caller(c);
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

  app.get(`${base}/departments/parent`, (c) => {
    const { app: self, tenant } = caller(c);
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

  app.get(`${base}/departments/:department_id/children`, (c) => {
    const { app: self, tenant } = caller(c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.param('department_id'), ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    const recursive = c.req.query('fetch_child') === 'true';
    const found = recursive ? descendants(tenant, department.openDepartmentId) : directChildren(tenant, department.openDepartmentId);
    if (recursive && found.length > options.maxRecursiveDepartments()) {
      throw contactErrors.tooBigToRecurse();
    }
    const page = paginate(found, {
      pageSize: c.req.query('page_size'),
      pageToken: c.req.query('page_token'),
      defaultSize: 10,
      maxSize: 50,
      scope: `children:${department.openDepartmentId}:${String(recursive)}`,
    }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map((item) => serializeDepartment(self, tenant, item, ids)) });
  });

  app.get(`${base}/departments/:department_id`, (c) => {
    const { app: self, tenant } = caller(c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.param('department_id'), ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    return ok(c, { department: serializeDepartment(self, tenant, department, ids) });
  });

  app.get(`${base}/users/find_by_department`, (c) => {
    const { app: self, tenant } = caller(c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.query('department_id') ?? '', ids.departmentIdType);
    assertDepartmentVisible(self, tenant, department);
    const members = [...(tenant.members.get(department.openDepartmentId) ?? [])]
      .map((userId) => tenant.users.get(userId))
      .filter((user): user is User => user !== undefined && !user.deleted && !user.status.isResigned);
    const page = paginate(members, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 10, maxSize: 50, scope: `members:${department.openDepartmentId}` }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map((user) => serializeUser(self, tenant, user, ids)) });
  });

  app.get(`${base}/users/batch`, (c) => {
    const { app: self, tenant } = caller(c);
    const ids = idTypes(c);
    const requested = c.req.queries('user_ids') ?? [];
    if (requested.length === 0 || requested.length > 50) throw contactErrors.invalidParam('user_ids: 1 to 50 ids');
    const items = requested.flatMap((id) => {
      const user = findUser(self, tenant, ids.userIdType, id);
      return user === undefined || user.deleted || !userInScope(self, tenant, user) ? [] : [serializeUser(self, tenant, user, ids)];
    });
    return ok(c, { items });
  });

  app.post(`${base}/users/batch_get_id`, async (c) => {
    const { app: self, tenant } = caller(c, ['tenant']);
    const userIdType = idTypes(c).userIdType;
    const body = await readJson(c);
    const emails = stringList(body['emails'], 'emails', contactErrors.invalidParam, 50);
    const mobiles = stringList(body['mobiles'], 'mobiles', contactErrors.invalidParam, 50);
    const includeResigned = body['include_resigned'] === true;
    const found = (family: 'email' | 'mobile', id: string) => {
      const user = findUser(self, tenant, family, id);
      if (user === undefined || user.deleted || (user.status.isResigned && !includeResigned) || !userInScope(self, tenant, user)) return undefined;
      return user;
    };
    const describe = (user: User | undefined) =>
      user === undefined ? {} : { user_id: userIdAs(self, tenant.tenantKey, user, userIdType), status: serializeStatus(user.status) };
    const userList = [
      ...emails.map((email) => ({ ...describe(found('email', email)), email })),
      ...mobiles.map((mobile) => ({ ...describe(found('mobile', mobile)), mobile })),
    ];
    return ok(c, { user_list: userList });
  });

  app.get(`${base}/users/:user_id`, (c) => {
    const { app: self, tenant } = caller(c);
    const ids = idTypes(c);
    const id = c.req.param('user_id');
    const user = findUser(self, tenant, ids.userIdType, id);
    if (user === undefined || user.deleted) throw contactErrors.userMissing();
    if (!userInScope(self, tenant, user)) throw contactErrors.outOfScope('the user is outside the app\'s contact scope');
    return ok(c, { user: serializeUser(self, tenant, user, ids) });
  });

  app.get(`${base}/group/simplelist`, (c) => {
    const { app: self, tenant } = caller(c, ['tenant']);
    requireScope(self, ['contact:group:readonly', 'contact:contact:readonly_as_app']);
    const type = Number(c.req.query('type') ?? '1');
    const groups = [...tenant.groups.values()].filter((group) => group.type === type);
    const page = paginate(groups, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: `groups:${type}` }, contactPageErrors);
    return ok(c, { grouplist: page.items.map(serializeGroup), has_more: page.has_more, ...(page.page_token === undefined ? {} : { page_token: page.page_token }) });
  });

  app.get(`${base}/group/:group_id/member/simplelist`, (c) => {
    const { app: self, tenant } = caller(c, ['tenant']);
    requireScope(self, ['contact:group:readonly', 'contact:contact:readonly_as_app']);
    const group = tenant.groups.get(c.req.param('group_id'));
    if (group === undefined) throw contactErrors.groupMissing();
    const memberType = c.req.query('member_type') ?? 'user';
    const memberIdType = c.req.query('member_id_type') ?? (memberType === 'department' ? 'open_department_id' : 'open_id');
    const members =
      memberType === 'department'
        ? [...group.memberDepartmentIds].map((id) => ({ member_id: departmentIdAs(tenant, id, memberIdType === 'department_id' ? 'department_id' : 'open_department_id'), member_type: 'department', member_id_type: memberIdType }))
        : [...group.memberUserIds].flatMap((userId) => {
            const user = tenant.users.get(userId);
            return user === undefined ? [] : [{ member_id: userIdAs(self, tenant.tenantKey, user, asUserIdType(memberIdType)), member_type: 'user', member_id_type: memberIdType }];
          });
    const page = paginate(members, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: `group:${group.groupId}:${memberType}` }, contactPageErrors);
    return ok(c, { memberlist: page.items, has_more: page.has_more, ...(page.page_token === undefined ? {} : { page_token: page.page_token }) });
  });

  app.get(`${base}/scopes`, (c) => {
    const { app: self, tenant } = caller(c, ['tenant']);
    const ids = idTypes(c);
    const scope = self.installations.get(tenant.tenantKey) ?? { departments: [], users: [], groups: [] };
    // Items come users first, then departments, then groups, paged together (scope/list docs).
    type Entry = { kind: 'user' | 'department' | 'group'; id: string };
    const entries: Entry[] = [
      ...scope.users.flatMap((userId): Entry[] => {
        const user = tenant.users.get(userId);
        return user === undefined ? [] : [{ kind: 'user', id: userIdAs(self, tenant.tenantKey, user, ids.userIdType) }];
      }),
      ...scope.departments.map((id): Entry => ({ kind: 'department', id: departmentIdAs(tenant, id, ids.departmentIdType) })),
      ...scope.groups.map((id): Entry => ({ kind: 'group', id })),
    ];
    const page = paginate(entries, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 50, maxSize: 100, scope: 'scopes' }, contactPageErrors);
    const pick = (kind: Entry['kind']) => page.items.filter((entry) => entry.kind === kind).map((entry) => entry.id);
    return ok(c, { department_ids: pick('department'), user_ids: pick('user'), group_ids: pick('group'), has_more: page.has_more, ...(page.page_token === undefined ? {} : { page_token: page.page_token }) });
  });
}

function asUserIdType(value = 'open_id'): UserIdType {
  if (!isUserIdType(value)) throw contactErrors.invalidParam(`unsupported user id type ${value}`);
  return value;
}

function idTypes(c: Context): IdTypes {
  const userIdType = asUserIdType(c.req.query('user_id_type'));
  const departmentIdType = c.req.query('department_id_type') ?? 'open_department_id';
  if (departmentIdType !== 'open_department_id' && departmentIdType !== 'department_id') throw contactErrors.invalidParam(`unsupported department id type ${departmentIdType}`);
  return { userIdType, departmentIdType: departmentIdType };
}

function existingDepartment(tenant: Tenant, id: string, idType: DepartmentIdType): Department {
  const department = id === '' ? undefined : findDepartment(tenant, id, idType);
  if (department === undefined || department.deleted) throw contactErrors.departmentMissing();
  return department;
}

function assertDepartmentVisible(app: Parameters<typeof departmentInScope>[0], tenant: Tenant, department: Department): void {
  if (!departmentInScope(app, tenant, department.openDepartmentId)) throw contactErrors.outOfScope('the department is outside the app\'s contact scope');
}

function directChildren(tenant: Tenant, openDepartmentId: string): Department[] {
  return [...(tenant.children.get(openDepartmentId) ?? [])]
    .map((id) => tenant.departments.get(id))
    .filter((department): department is Department => department !== undefined && !department.deleted)
    .sort((a, b) => a.order - b.order);
}

function descendants(tenant: Tenant, openDepartmentId: string): Department[] {
  const found: Department[] = [];
  const queue = [openDepartmentId];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of directChildren(tenant, next)) {
      found.push(child);
      queue.push(child.openDepartmentId);
    }
  }
  return found;
}
