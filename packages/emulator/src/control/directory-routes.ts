import { controlError } from '../errors/control-error.ts';
import type { Context, Hono } from 'hono';
import {
  appsWhere,
  departmentVisibleTo,
  emitDepartmentCreated,
  emitDepartmentDeleted,
  emitDepartmentUpdated,
  emitUserCreated,
  emitUserDeleted,
  emitUserUpdated,
  userVisibleTo,
} from '../events/contact-events.ts';
import type { EventBus } from '../events/event-bus.ts';
import { readJson } from '../http/read-json.ts';
import { eventSinkFor } from './event-sink-for.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { putDepartment, putUser } from '../state/tenant.ts';
import type { Department, Tenant, User } from '../state/types.ts';
import {
  applyDepartmentFields,
  applyUserFields,
  describeDepartment,
  describeUser,
  existingDepartment,
  existingUser,
  newUser,
  stringOf,
  tenantOf,
  type Body,
} from './directory-fields.ts';

const base = '/_emulator/directory';

/**
 * Directory changes as an administrator makes them in the Feishu admin console: hire, update,
 * move, resign and delete people; create, update, move and delete departments. Each change emits
 * the contact event Feishu sends (platform doc §6) to the subscribed apps that can see it, unless
 * the call is `silent` (see `eventSinkFor`). The tenant is `tenant_key` (body or query), else the
 * default tenant. User groups and workforce types have routes of their own.
 */
export function addDirectoryRoutes(app: Hono, state: EmulatorState, bus: EventBus): void {
  app.post(`${base}/users`, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const user = applyUserFields(tenant, newUser(state, tenant, body), body);
    putUser(tenant, user);
    emitUserCreated(events, tenant, user);
    return c.json({ user: describeUser(state, tenant, user) }, 201);
  });

  app.get(`${base}/users/:user_id`, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    return c.json({ user: describeUser(state, tenant, existingUser(state, tenant, c.req.param('user_id'))) });
  });

  const changeUser = (path: string, change: (tenant: Tenant, user: User, body: Body) => void) =>
    async (c: Context) => {
      const body = await readJson(c);
      const events = eventSinkFor(bus, c, body);
      const tenant = tenantOf(state, c, body);
      const before = existingUser(state, tenant, c.req.param('user_id') ?? '');
      if (before.status.isResigned) throw controlError(409, `${path}: the user has resigned`);
      const after: User = { ...before, departmentIds: [...before.departmentIds], status: { ...before.status } };
      change(tenant, after, body);
      const sawBefore = appsWhere(state, tenant, userVisibleTo(tenant, before));
      putUser(tenant, after);
      emitUserUpdated(events, tenant, before, after, sawBefore);
      return c.json({ user: describeUser(state, tenant, after) });
    };

  app.patch(`${base}/users/:user_id`, changeUser('update', (tenant, user, body) => void applyUserFields(tenant, user, body)));

  app.post(
    `${base}/users/:user_id/move`,
    changeUser('move', (tenant, user, body) => {
      if (!Array.isArray(body['department_ids'])) throw controlError(400, 'department_ids: give the new departments');
      applyUserFields(tenant, user, { department_ids: body['department_ids'] });
    }),
  );

  const removeUser = (resign: boolean) => async (c: Context) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const before = existingUser(state, tenant, c.req.param('user_id') ?? '');
    const after: User = { ...before, status: { ...before.status, isResigned: true, isActivated: false }, deleted: !resign };
    const sawBefore = appsWhere(state, tenant, userVisibleTo(tenant, before));
    putUser(tenant, after);
    // Resigning is what the deleted event reports; deleting someone who already resigned is silent.
    if (!before.status.isResigned) emitUserDeleted(events, tenant, before, after, sawBefore);
    return c.json({ user: describeUser(state, tenant, after) });
  };
  app.post(`${base}/users/:user_id/resign`, removeUser(true));
  app.delete(`${base}/users/:user_id`, removeUser(false));

  app.post(`${base}/departments`, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const name = stringOf(body, 'name');
    if (name === undefined || name === '') throw controlError(400, 'name is required');
    const parent = existingDepartment(tenant, stringOf(body, 'parent_department_id') ?? '0');
    let order = 0;
    for (const id of tenant.children.get(parent.openDepartmentId) ?? []) order = Math.max(order, tenant.departments.get(id)?.order ?? 0);
    const department: Department = {
      openDepartmentId: `od-${state.random.hex(32)}`,
      departmentId: `D${state.random.hex(8)}`,
      name,
      enName: name,
      parentId: parent.openDepartmentId,
      leaderUserId: undefined,
      order: order + 1000,
      chatId: undefined,
      deleted: false,
    };
    applyDepartmentFields(state, tenant, department, body);
    putDepartment(tenant, department);
    emitDepartmentCreated(events, tenant, department);
    return c.json({ department: describeDepartment(department) }, 201);
  });

  app.get(`${base}/departments/:department_id`, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    return c.json({ department: describeDepartment(existingDepartment(tenant, c.req.param('department_id'))) });
  });

  const changeDepartment = (moveOnly: boolean) => async (c: Context) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const before = existingDepartment(tenant, c.req.param('department_id') ?? '');
    if (before.openDepartmentId === '0') throw controlError(400, 'the root department cannot be changed');
    if (moveOnly && stringOf(body, 'parent_department_id') === undefined) throw controlError(400, 'parent_department_id: give the new parent');
    const after: Department = { ...before };
    applyDepartmentFields(state, tenant, after, moveOnly ? { parent_department_id: body['parent_department_id'] } : body);
    const sawBefore = appsWhere(state, tenant, departmentVisibleTo(tenant, before.openDepartmentId));
    putDepartment(tenant, after);
    emitDepartmentUpdated(events, tenant, before, after, sawBefore);
    return c.json({ department: describeDepartment(after) });
  };
  app.patch(`${base}/departments/:department_id`, changeDepartment(false));
  app.post(`${base}/departments/:department_id/move`, changeDepartment(true));

  app.delete(`${base}/departments/:department_id`, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const before = existingDepartment(tenant, c.req.param('department_id'));
    if (before.openDepartmentId === '0') throw controlError(400, 'the root department cannot be deleted');
    // As in Feishu, a department must be empty: no members, no sub-departments.
    const children = [...(tenant.children.get(before.openDepartmentId) ?? [])].filter((id) => tenant.departments.get(id)?.deleted === false);
    if (children.length > 0) throw controlError(409, `the department still has ${children.length} sub-department(s)`);
    const members = [...(tenant.members.get(before.openDepartmentId) ?? [])].filter((id) => tenant.users.get(id)?.status.isResigned === false);
    if (members.length > 0) throw controlError(409, `the department still has ${members.length} member(s)`);
    const sawBefore = appsWhere(state, tenant, departmentVisibleTo(tenant, before.openDepartmentId));
    const after: Department = { ...before, deleted: true };
    putDepartment(tenant, after);
    emitDepartmentDeleted(events, tenant, after, sawBefore);
    return c.json({ department: describeDepartment(after) });
  });
}

