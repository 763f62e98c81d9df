import type { Context } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { cities, jobTitles } from '../generator/names.ts';
import { serializeStatus } from '../open-apis/contact/serialize-status.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { findUserByAnyId } from '../state/find-user-by-any-id.ts';
import { openIdOf, unionIdOf } from '../state/ids.ts';
import { normaliseMobile } from '../state/normalise-mobile.ts';
import type { Department, Tenant, User } from '../state/types.ts';

// Parsing, validation and description of directory entities for the directory control routes.

export type Body = Record<string, unknown>;


export function stringOf(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw controlError(400, `${key} must be a string`);
  return value;
}

export function tenantOf(state: EmulatorState, c: Context, body: Body): Tenant {
  const tenantKey = stringOf(body, 'tenant_key') ?? c.req.query('tenant_key') ?? state.defaultTenantKey;
  const tenant = state.tenants.get(tenantKey);
  if (tenant === undefined) throw controlError(404, `no tenant ${tenantKey}`);
  return tenant;
}

/** A user by user_id, union_id, or the open_id any installed app knows them by. */
export function existingUser(state: EmulatorState, tenant: Tenant, id: string): User {
  const user = findUserByAnyId(tenant, [...state.apps.values()], id, ['user_id', 'union_id', 'open_id']);
  if (user === undefined || user.deleted) throw controlError(404, `no user ${id} in tenant ${tenant.tenantKey}`);
  return user;
}

/** A live department by open_department_id, custom department_id, or `0`. */
export function existingDepartment(tenant: Tenant, id: string): Department {
  let department = tenant.departments.get(id);
  if (department === undefined) for (const candidate of tenant.departments.values()) if (candidate.departmentId === id && !candidate.deleted) department = candidate;
  if (department === undefined || department.deleted) throw controlError(404, `no department ${id} in tenant ${tenant.tenantKey}`);
  return department;
}

/** A new person with every field filled the way the generator fills them. */
export function newUser(state: EmulatorState, tenant: Tenant, body: Body): User {
  const { random } = state;
  const name = stringOf(body, 'name');
  if (name === undefined || name === '') throw controlError(400, 'name is required');
  let userId = stringOf(body, 'user_id') ?? random.hex(8);
  if (tenant.users.has(userId)) {
    if (body['user_id'] !== undefined) throw controlError(409, `user_id ${userId} is taken`);
    while (tenant.users.has(userId)) userId = random.hex(8);
  }
  let mobile = `+861${random.pick(['3', '5', '8'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
  while (tenant.usersByMobile.has(mobile)) mobile = `+861${random.pick(['3', '5', '8'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
  const enName = stringOf(body, 'en_name') ?? name;
  const local = /^[\x20-\x7e]+$/.test(enName) ? enName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '.') : userId;
  let email = `${local}@${tenant.domain}`;
  for (let suffix = 2; tenant.usersByEmail.has(email); suffix += 1) email = `${local}${suffix}@${tenant.domain}`;
  return {
    userId,
    unionId: unionIdOf(tenant.tenantKey, userId),
    name,
    enName,
    nickname: '',
    email,
    enterpriseEmail: '',
    mobile,
    gender: random.pick([1, 2] as const),
    departmentIds: ['0'],
    leaderUserId: undefined,
    city: random.pick(cities),
    country: 'CN',
    workStation: '',
    joinTime: Math.floor(state.clock.now() / 1000),
    isTenantManager: false,
    employeeNo: `E${String(tenant.users.size + 1).padStart(6, '0')}`,
    employeeType: 1,
    jobTitle: random.pick(jobTitles),
    status: { isFrozen: false, isResigned: false, isActivated: true, isExited: false, isUnjoin: false },
    deleted: false,
  };
}

const userTextFields = { name: 'name', en_name: 'enName', nickname: 'nickname', enterprise_email: 'enterpriseEmail', city: 'city', country: 'country', work_station: 'workStation', employee_no: 'employeeNo', job_title: 'jobTitle' } as const;

/** Applies the snake_case fields of `body` to `user` (a copy), checking ids and uniqueness. */
export function applyUserFields(tenant: Tenant, user: User, body: Body): User {
  for (const [key, field] of Object.entries(userTextFields)) {
    const value = stringOf(body, key);
    if (value !== undefined) user[field] = value;
  }
  const email = stringOf(body, 'email');
  if (email !== undefined) {
    const holder = tenant.usersByEmail.get(email.toLowerCase());
    if (holder !== undefined && holder !== user.userId) throw controlError(409, `email ${email} is used by another user`);
    user.email = email;
  }
  const mobile = stringOf(body, 'mobile');
  if (mobile !== undefined) {
    const normalised = normaliseMobile(mobile);
    const holder = tenant.usersByMobile.get(normalised);
    if (holder !== undefined && holder !== user.userId) throw controlError(409, `mobile ${mobile} is used by another user`);
    user.mobile = normalised;
  }
  if (body['gender'] !== undefined) {
    if (body['gender'] !== 0 && body['gender'] !== 1 && body['gender'] !== 2 && body['gender'] !== 3) throw controlError(400, 'gender must be 0, 1, 2 or 3');
    user.gender = body['gender'];
  }
  for (const [key, field] of [['employee_type', 'employeeType'], ['join_time', 'joinTime']] as const) {
    if (body[key] === undefined) continue;
    if (!Number.isInteger(body[key])) throw controlError(400, `${key} must be an integer`);
    user[field] = body[key] as number;
  }
  if (typeof body['is_tenant_manager'] === 'boolean') user.isTenantManager = body['is_tenant_manager'];
  if (body['is_frozen'] !== undefined) {
    if (typeof body['is_frozen'] !== 'boolean') throw controlError(400, 'is_frozen must be true or false');
    user.status.isFrozen = body['is_frozen'];
  }
  if (body['department_ids'] !== undefined) {
    const ids = body['department_ids'];
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) throw controlError(400, 'department_ids must be a non-empty list of department ids');
    user.departmentIds = [...new Set((ids as string[]).map((id) => existingDepartment(tenant, id).openDepartmentId))];
  }
  if (body['leader_user_id'] === null) user.leaderUserId = undefined;
  else if (typeof body['leader_user_id'] === 'string') {
    const leader = tenant.users.get(body['leader_user_id']);
    if (leader === undefined || leader.deleted || leader.userId === user.userId) throw controlError(400, 'leader_user_id must be the user_id of another user');
    user.leaderUserId = leader.userId;
  }
  return user;
}

/** Applies name, en_name, department_id, order, leader_user_id and parent_department_id (refusing cycles). */
export function applyDepartmentFields(state: EmulatorState, tenant: Tenant, department: Department, body: Body): void {
  const name = stringOf(body, 'name');
  if (name !== undefined) department.name = name;
  department.enName = stringOf(body, 'en_name') ?? department.enName;
  const customId = stringOf(body, 'department_id');
  if (customId !== undefined && customId !== department.departmentId) {
    for (const other of tenant.departments.values()) if (other.departmentId === customId && !other.deleted) throw controlError(409, `department_id ${customId} is taken`);
    department.departmentId = customId;
  }
  if (body['order'] !== undefined) {
    if (!Number.isInteger(body['order'])) throw controlError(400, 'order must be an integer');
    department.order = body['order'] as number;
  }
  if (body['leader_user_id'] === null) department.leaderUserId = undefined;
  else if (typeof body['leader_user_id'] === 'string') department.leaderUserId = existingUser(state, tenant, body['leader_user_id']).userId;
  const parentId = stringOf(body, 'parent_department_id');
  if (parentId !== undefined) {
    const parent = existingDepartment(tenant, parentId);
    for (let current: Department | undefined = parent; current !== undefined; current = current.parentId === '' ? undefined : tenant.departments.get(current.parentId)) {
      if (current.openDepartmentId === department.openDepartmentId) throw controlError(400, 'a department cannot move under itself or one of its sub-departments');
    }
    department.parentId = parent.openDepartmentId;
  }
}

/** A user as the control API shows it: tenant-level ids plus the open_id each installed app sees. */
export function describeUser(state: EmulatorState, tenant: Tenant, user: User): Record<string, unknown> {
  const openIds: Record<string, string> = {};
  for (const app of state.apps.values()) if (app.installations.has(tenant.tenantKey)) openIds[app.appId] = openIdOf(app, tenant.tenantKey, user.userId);
  return {
    user_id: user.userId,
    union_id: user.unionId,
    open_ids: openIds,
    name: user.name,
    en_name: user.enName,
    email: user.email,
    mobile: user.mobile,
    gender: user.gender,
    department_ids: user.departmentIds,
    leader_user_id: user.leaderUserId ?? null,
    city: user.city,
    employee_no: user.employeeNo,
    employee_type: user.employeeType,
    job_title: user.jobTitle,
    join_time: user.joinTime,
    status: serializeStatus(user.status),
    deleted: user.deleted,
  };
}

export function describeDepartment(department: Department): Record<string, unknown> {
  return {
    open_department_id: department.openDepartmentId,
    department_id: department.departmentId,
    name: department.name,
    en_name: department.enName,
    parent_department_id: department.parentId,
    leader_user_id: department.leaderUserId ?? null,
    order: department.order,
    deleted: department.deleted,
  };
}
