import { departmentInScope, userInScope } from '../state/contact-scope.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { openIdOf } from '../state/ids.ts';
import type { App, ContactScope, Department, Tenant, User } from '../state/types.ts';
import { serializeDepartment, serializeGroup, serializeUser, type IdTypes } from '../open-apis/contact/serialize.ts';
import type { EventBus } from './event-bus.ts';

/** Where contact events go: the bus, or a sink that drops them for a silent change. */
export type EventSink = Pick<EventBus, 'emit'>;

// The contact events of platform doc §6, as apps receive them: open_id and open_department_id
// ids, fields behind field scopes left out, and only apps whose contact scope covers the entity.

const eventIds: IdTypes = { userIdType: 'open_id', departmentIdType: 'open_department_id' };

/** The apps of `tenant` for which `visible` holds now; taken before a change, for the "before" side. */
export function appsWhere(state: EmulatorState, tenant: Tenant, visible: (app: App) => boolean): Set<string> {
  const found = new Set<string>();
  for (const app of state.apps.values()) if (app.installations.has(tenant.tenantKey) && visible(app)) found.add(app.appId);
  return found;
}

export const userVisibleTo = (tenant: Tenant, user: User) => (app: App) => userInScope(app, tenant, user);
export const departmentVisibleTo = (tenant: Tenant, openDepartmentId: string) => (app: App) => departmentInScope(app, tenant, openDepartmentId);

export function emitUserCreated(bus: EventSink, tenant: Tenant, user: User): void {
  bus.emit(tenant.tenantKey, 'contact.user.created_v3', (app) => (userInScope(app, tenant, user) ? { object: serializeUser(app, tenant, user, eventIds) } : undefined));
}

// Feishu reports a changed mobile and a changed email each in an event of its own (§6).
const separateFieldGroups: readonly (readonly string[])[] = [['email', 'enterprise_email'], ['mobile', 'mobile_visible']];

/**
 * `contact.user.updated_v3`: `object` is the user now, `old_object` holds only the fields that
 * changed as the app sees them. Apps that saw the user before or see it now are told; an app that
 * cannot see any changed field gets nothing.
 */
export function emitUserUpdated(bus: EventSink, tenant: Tenant, before: User, after: User, sawBefore: Set<string>): void {
  const groups = [...separateFieldGroups, undefined];
  for (const group of groups) {
    bus.emit(tenant.tenantKey, 'contact.user.updated_v3', (app) => {
      if (!sawBefore.has(app.appId) && !userInScope(app, tenant, after)) return undefined;
      const object = serializeUser(app, tenant, after, eventIds);
      const changed = changedFields(serializeUser(app, tenant, before, eventIds), object);
      const keys = Object.keys(changed).filter((key) => (group === undefined ? !separateFieldGroups.some((other) => other.includes(key)) : group.includes(key)));
      if (keys.length === 0) return undefined;
      return { object, old_object: Object.fromEntries(keys.map((key) => [key, changed[key]])) };
    });
  }
}

/** `contact.user.deleted_v3`, sent for resignations and deletions alike (the event is "员工离职"). */
export function emitUserDeleted(bus: EventSink, tenant: Tenant, before: User, after: User, sawBefore: Set<string>): void {
  bus.emit(tenant.tenantKey, 'contact.user.deleted_v3', (app) =>
    sawBefore.has(app.appId)
      ? { object: serializeUser(app, tenant, after, eventIds), old_object: { department_ids: before.departmentIds, open_id: openIdOf(app, tenant.tenantKey, before.userId) } }
      : undefined,
  );
}

/** The department object of contact events (§6); unlike the REST API, `order` is a number. */
export function departmentEventObject(app: App, tenant: Tenant, department: Department): Record<string, unknown> {
  const full = serializeDepartment(app, tenant, department, eventIds, { counts: false });
  const pick = (key: string) => (full[key] === undefined ? {} : { [key]: full[key] });
  return {
    name: full['name'],
    parent_department_id: full['parent_department_id'],
    department_id: full['department_id'],
    open_department_id: full['open_department_id'],
    ...pick('leader_user_id'),
    ...pick('chat_id'),
    order: department.order,
    status: full['status'],
    ...pick('leaders'),
    department_hrbps: [],
  };
}

export function emitDepartmentCreated(bus: EventSink, tenant: Tenant, department: Department): void {
  bus.emit(tenant.tenantKey, 'contact.department.created_v3', (app) =>
    departmentInScope(app, tenant, department.openDepartmentId) ? { object: departmentEventObject(app, tenant, department) } : undefined,
  );
}

export function emitDepartmentUpdated(bus: EventSink, tenant: Tenant, before: Department, after: Department, sawBefore: Set<string>): void {
  bus.emit(tenant.tenantKey, 'contact.department.updated_v3', (app) => {
    if (!sawBefore.has(app.appId) && !departmentInScope(app, tenant, after.openDepartmentId)) return undefined;
    const object = departmentEventObject(app, tenant, after);
    const oldObject = changedFields(departmentEventObject(app, tenant, before), object);
    return Object.keys(oldObject).length === 0 ? undefined : { object, old_object: oldObject };
  });
}

export function emitDepartmentDeleted(bus: EventSink, tenant: Tenant, after: Department, sawBefore: Set<string>): void {
  bus.emit(tenant.tenantKey, 'contact.department.deleted_v3', (app) =>
    sawBefore.has(app.appId)
      ? { object: departmentEventObject(app, tenant, after), old_object: { status: { is_deleted: false }, open_department_id: after.openDepartmentId } }
      : undefined,
  );
}

/**
 * `contact.scope.updated_v3` to the one app whose contact scope in `tenantKey` changed: what
 * entered and what left the scope, as full objects (§6).
 */
export function emitScopeUpdated(bus: EventSink, state: EmulatorState, changedApp: App, tenantKey: string, previous: ContactScope): void {
  const tenant = state.tenants.get(tenantKey);
  const current = changedApp.installations.get(tenantKey);
  if (tenant === undefined || current === undefined) return;
  const diff = (from: readonly string[], to: readonly string[]) => to.filter((id) => !from.includes(id));
  const describe = (app: App, scope: ContactScope) => ({
    departments: scope.departments.flatMap((id) => {
      const department = tenant.departments.get(id);
      return department === undefined ? [] : [serializeDepartment(app, tenant, department, eventIds)];
    }),
    users: scope.users.flatMap((id) => {
      const user = tenant.users.get(id);
      return user === undefined ? [] : [serializeUser(app, tenant, user, eventIds)];
    }),
    user_groups: scope.groups.flatMap((id) => {
      const group = tenant.groups.get(id);
      if (group === undefined) return [];
      const { group_id, name, type, member_user_count } = serializeGroup(group);
      return [{ user_group_id: group_id, name, type, member_count: member_user_count, status: 1 }];
    }),
  });
  const added = { departments: diff(previous.departments, current.departments), users: diff(previous.users, current.users), groups: diff(previous.groups, current.groups) };
  const removed = { departments: diff(current.departments, previous.departments), users: diff(current.users, previous.users), groups: diff(current.groups, previous.groups) };
  if ([...Object.values(added), ...Object.values(removed)].every((ids) => ids.length === 0)) return;
  bus.emit(tenantKey, 'contact.scope.updated_v3', (app) => (app.appId === changedApp.appId ? { added: describe(app, added), removed: describe(app, removed) } : undefined));
}

/** The values in `before` of every top-level field whose value differs in `after`. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    // A field that appeared has no old value; Feishu sends it empty.
    changed[key] = key in before ? before[key] : typeof after[key] === 'string' ? '' : null;
  }
  return changed;
}
