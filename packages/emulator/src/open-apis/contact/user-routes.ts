import type { Hono } from 'hono';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { readJson } from '../../http/read-json.ts';
import { stringList } from '../../http/string-list.ts';
import { userInScope } from '../../state/contact-scope.ts';
import { directoryIndex } from '../../state/directory-index.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUser, userIdAs } from '../../state/ids.ts';
import type { User } from '../../state/types.ts';
import { contactErrors } from './contact-errors.ts';
import { assertDepartmentVisible, contactBase, contactCaller, contactPageErrors, existingDepartment, idTypes } from './contact-request.ts';
import { serializeUser } from './serialize.ts';
import { serializeStatus } from './serialize-status.ts';

/** Users: get, batch, the direct members of a department, and ids by email or mobile. */
export function addUserRoutes(app: Hono, state: EmulatorState): void {
  app.get(`${contactBase}/users/find_by_department`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const department = existingDepartment(tenant, c.req.query('department_id') ?? '', ids.departmentIdType);
    // The root needs the full scope, any other department its own (find_by_department docs);
    // everyone directly in a visible department is visible.
    assertDepartmentVisible(self, tenant, department);
    const members = directoryIndex(tenant).members(department.openDepartmentId);
    const page = paginate(members, { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 10, maxSize: 50, scope: `members:${department.openDepartmentId}` }, contactPageErrors);
    return ok(c, { ...page, items: page.items.map((user) => serializeUser(self, tenant, user, ids)) });
  });

  app.get(`${contactBase}/users/batch`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const requested = c.req.queries('user_ids') ?? [];
    if (requested.length === 0 || requested.length > 50) throw contactErrors.invalidParam('user_ids: 1 to 50 ids');
    const items = requested.flatMap((id) => {
      const user = findUser(self, tenant, ids.userIdType, id);
      return user === undefined || user.deleted || !userInScope(self, tenant, user) ? [] : [serializeUser(self, tenant, user, ids)];
    });
    return ok(c, { items });
  });

  app.post(`${contactBase}/users/batch_get_id`, async (c) => {
    const { app: self, tenant } = contactCaller(state, c, ['tenant']);
    const userIdType = idTypes(c).userIdType;
    const body = await readJson(c);
    const emails = stringList(body['emails'], 'emails', contactErrors.invalidParam, 50);
    const mobiles = stringList(body['mobiles'], 'mobiles', contactErrors.invalidParam, 50);
    const includeResigned = body['include_resigned'] === true;
    // Unknown, resigned (unless asked for) and out-of-scope people all come back without a
    // user_id, as the batch_get_id docs describe.
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

  app.get(`${contactBase}/users/:user_id`, (c) => {
    const { app: self, tenant } = contactCaller(state, c);
    const ids = idTypes(c);
    const user = findUser(self, tenant, ids.userIdType, c.req.param('user_id'));
    // Unknown and out-of-scope people get the same answer, 41050 "no user authority" (user/get
    // docs); a resigned person stays readable, with is_resigned set.
    if (user === undefined || user.deleted || !userInScope(self, tenant, user)) throw contactErrors.userNotVisible();
    return ok(c, { user: serializeUser(self, tenant, user, ids) });
  });
}
