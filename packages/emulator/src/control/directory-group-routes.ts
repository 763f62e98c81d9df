import type { Context, Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { readJson } from '../http/read-json.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { Group, Tenant } from '../state/types.ts';
import { existingDepartment, existingUser, stringOf, tenantOf, type Body } from './directory-fields.ts';

const base = '/_emulator/directory/groups';

/**
 * User groups as an administrator manages them: create, rename, delete, add and remove members
 * (people and departments). Feishu sends no event an app can subscribe to for these (the SDK's
 * event list has none; platform doc §6), so none is emitted: an app learns of group changes by
 * reading `group/simplelist` and `group/:id/member/simplelist` again.
 */
export function addDirectoryGroupRoutes(app: Hono, state: EmulatorState): void {
  app.get(base, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    return c.json({ items: [...tenant.groups.values()].map(describeGroup) });
  });

  app.post(base, async (c) => {
    const body = await readJson(c);
    const tenant = tenantOf(state, c, body);
    const name = stringOf(body, 'name');
    if (name === undefined || name === '') throw controlError(400, 'name is required');
    const type = body['type'] ?? 1;
    if (type !== 1 && type !== 2) throw controlError(400, 'type must be 1 (normal) or 2 (dynamic)');
    const groupId = stringOf(body, 'group_id') ?? state.random.hex(16);
    if (tenant.groups.has(groupId)) throw controlError(409, `group_id ${groupId} is taken`);
    const group: Group = { groupId, name, description: stringOf(body, 'description') ?? '', type, memberUserIds: new Set(), memberDepartmentIds: new Set() };
    addMembers(state, tenant, group, body);
    tenant.groups.set(groupId, group);
    return c.json({ group: describeGroup(group) }, 201);
  });

  app.get(`${base}/:group_id`, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    return c.json({ group: describeGroup(existingGroup(tenant, c.req.param('group_id'))) });
  });

  app.patch(`${base}/:group_id`, async (c) => {
    const body = await readJson(c);
    const group = existingGroup(tenantOf(state, c, body), c.req.param('group_id'));
    const name = stringOf(body, 'name');
    if (name === '') throw controlError(400, 'name cannot be empty');
    const description = stringOf(body, 'description');
    if (name !== undefined) group.name = name;
    if (description !== undefined) group.description = description;
    return c.json({ group: describeGroup(group) });
  });

  app.delete(`${base}/:group_id`, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    const group = existingGroup(tenant, c.req.param('group_id'));
    tenant.groups.delete(group.groupId);
    return c.json({ group: describeGroup(group) });
  });

  const members = (change: 'add' | 'remove') => async (c: Context) => {
    const body = await readJson(c);
    const tenant = tenantOf(state, c, body);
    const group = existingGroup(tenant, c.req.param('group_id') ?? '');
    if (change === 'add') addMembers(state, tenant, group, body);
    else removeMembers(state, tenant, group, body);
    return c.json({ group: describeGroup(group) });
  };
  app.post(`${base}/:group_id/members`, members('add'));
  app.delete(`${base}/:group_id/members`, members('remove'));
}

function existingGroup(tenant: Tenant, groupId: string): Group {
  const group = tenant.groups.get(groupId);
  if (group === undefined) throw controlError(404, `no user group ${groupId} in tenant ${tenant.tenantKey}`);
  return group;
}

/** `user_ids` (user_id, union_id or an app's open_id) and `department_ids` (either department id family). */
function memberIds(state: EmulatorState, tenant: Tenant, body: Body): { users: string[]; departments: string[] } {
  const list = (key: string): string[] => {
    const value = body[key] ?? [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw controlError(400, `${key} must be a list of ids`);
    return value as string[];
  };
  const users = list('user_ids').map((id) => existingUser(state, tenant, id).userId);
  const departments = list('department_ids').map((id) => existingDepartment(tenant, id).openDepartmentId);
  return { users, departments };
}

function addMembers(state: EmulatorState, tenant: Tenant, group: Group, body: Body): void {
  // Read everything first, so an unknown id leaves the group unchanged.
  const { users, departments } = memberIds(state, tenant, body);
  if (group.type === 2 && departments.length > 0) throw controlError(400, 'dynamic user groups have no department members');
  for (const id of users) group.memberUserIds.add(id);
  for (const id of departments) group.memberDepartmentIds.add(id);
}

function removeMembers(state: EmulatorState, tenant: Tenant, group: Group, body: Body): void {
  const { users, departments } = memberIds(state, tenant, body);
  for (const id of users) group.memberUserIds.delete(id);
  for (const id of departments) group.memberDepartmentIds.delete(id);
}

/** A group as the control API shows it: tenant-level user ids and open_department_ids. */
export function describeGroup(group: Group): Record<string, unknown> {
  return {
    group_id: group.groupId,
    name: group.name,
    description: group.description,
    type: group.type,
    user_ids: [...group.memberUserIds],
    department_ids: [...group.memberDepartmentIds],
  };
}
