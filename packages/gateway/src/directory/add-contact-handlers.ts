import { sql } from 'kysely';
import type { DbTransaction } from '../db/index.ts';
import type { EventRegistry, InboundEvent } from '../events/index.ts';
import type { DirectoryChangeListener } from './directory-change.ts';
import { departmentRowOf, userRowOf, type DirectoryScope } from './entity-rows.ts';
import { departmentSpec, groupSpec, userSpec } from './entity-specs.ts';
import { feishuDepartment, feishuEmployeeType, feishuUser } from './feishu-contact.ts';
import type { StartSync } from './start-sync.ts';
import { writeEntities, type EntitySpec, type WriteContext } from './write-entities.ts';

export type ContactHandlerDeps = {
  readonly registry: EventRegistry;
  /** The directory an event belongs to; undefined for a connection that is not mirrored. */
  readonly scopeOf: (event: InboundEvent) => DirectoryScope | undefined;
  readonly listeners: readonly DirectoryChangeListener[];
  readonly startSync: StartSync;
};

/**
 * Keeps the mirror live from contact events (platform doc §6). Each handler runs in the
 * transaction that marks its event handled, so a change is applied exactly once; the version
 * rules of `writeEntities` make duplicates and any order harmless. Events about one user or one
 * department run one at a time (ordering key).
 */
export function addContactHandlers(deps: ContactHandlerDeps): void {
  const byObject = { orderingKey: (event: Omit<InboundEvent, 'id'>) => objectIdOf(event) };
  const entities = (spec: EntitySpec, rowOf: (scope: DirectoryScope, object: unknown, version: number) => Record<string, unknown> | undefined, deleted: boolean) =>
    async (event: InboundEvent, transaction: DbTransaction) => {
      const context = contextOf(event);
      if (context === undefined) return;
      const row = rowOf(context.scope, eventBody(event)['object'], context.version);
      if (row !== undefined) await writeEntities(spec, transaction, [{ row, deleted: deleted || row['is_deleted'] === true }], context);
    };
  const user = (scope: DirectoryScope, object: unknown, version: number) => {
    const parsed = feishuUser.safeParse(object);
    return parsed.success ? userRowOf(scope, parsed.data, version) : undefined;
  };
  const department = (scope: DirectoryScope, object: unknown, version: number) => {
    const parsed = feishuDepartment.safeParse(object);
    return parsed.success ? departmentRowOf(scope, parsed.data, version) : undefined;
  };

  deps.registry.onInTransaction('contact.user.created_v3', entities(userSpec, user, false), byObject);
  deps.registry.onInTransaction('contact.user.updated_v3', entities(userSpec, user, false), byObject);
  // Feishu's "deleted" user event is a resignation: the person stays resolvable through the API
  // with `is_resigned`, so the mirror keeps them as deactivated, as a sync reading them would.
  // (A user is `deleted` in the mirror when Feishu no longer shows them at all.)
  const resigned = (scope: DirectoryScope, object: unknown, version: number) => {
    const parsed = feishuUser.safeParse(object);
    return parsed.success ? userRowOf(scope, { ...parsed.data, status: { ...parsed.data.status, is_resigned: true } }, version) : undefined;
  };
  deps.registry.onInTransaction('contact.user.deleted_v3', entities(userSpec, resigned, false), byObject);
  deps.registry.onInTransaction('contact.department.created_v3', entities(departmentSpec, department, false), byObject);
  deps.registry.onInTransaction('contact.department.updated_v3', entities(departmentSpec, department, false), byObject);
  deps.registry.onInTransaction('contact.department.deleted_v3', entities(departmentSpec, department, true), byObject);

  // The contact scope changed: what was removed is gone from the app's view (marked deleted now;
  // for departments, a reconcile finds which of their users left the scope with them); what was
  // added is fetched by a partial sync.
  deps.registry.on('contact.scope.updated_v3', async (event) => {
    const scope = deps.scopeOf(event);
    if (scope === undefined) return;
    const body = eventBody(event);
    const added = objectOf(body['added']);
    const removed = objectOf(body['removed']);
    const addedDepartments = idsOf(added['departments'], ['open_department_id', 'department_id']);
    const addedUsers = idsOf(added['users'], ['open_id']);
    const tasks = [
      ...addedDepartments.flatMap((id) => [
        { task: 'department' as const, target: id },
        { task: 'departments' as const, target: id },
        { task: 'users' as const, target: id },
      ]),
      ...(addedUsers.length > 0 ? [{ task: 'scope_users' as const, target: addedUsers.slice(0, 50).join(',') }] : []),
      ...(idsOf(added['user_groups'], ['user_group_id', 'group_id', 'id']).length > 0 ? [{ task: 'groups' as const, target: '1' }] : []),
    ];
    if (tasks.length > 0) await deps.startSync(scope, 'partial', tasks);
    if (idsOf(removed['departments'], ['open_department_id', 'department_id']).length > 0) await deps.startSync(scope, 'reconcile');
  });
  deps.registry.onInTransaction('contact.scope.updated_v3', async (event, transaction) => {
    const context = contextOf(event);
    if (context === undefined) return;
    const removed = objectOf(eventBody(event)['removed']);
    await markDeleted(transaction, userSpec, idsOf(removed['users'], ['open_id']), context);
    await markDeleted(transaction, departmentSpec, idsOf(removed['departments'], ['open_department_id']), context);
    await markDeleted(transaction, groupSpec, idsOf(removed['user_groups'], ['user_group_id', 'group_id', 'id']), context);
  });

  for (const type of ['created', 'updated', 'actived', 'deactivated', 'deleted']) {
    deps.registry.onInTransaction(`contact.employee_type_enum.${type}_v3`, async (event, transaction) => {
      const context = contextOf(event);
      const parsed = feishuEmployeeType.safeParse(eventBody(event)['new_enum'] ?? eventBody(event)['old_enum']);
      if (context === undefined || !parsed.success) return;
      const enumType = parsed.data;
      const values = {
        connection: context.scope.connection,
        tenant_key: context.scope.tenantKey,
        enum_id: enumType.enum_id,
        enum_value: enumType.enum_value === undefined ? null : Number(enumType.enum_value),
        content: enumType.content ?? null,
        enum_status: enumType.enum_status ?? null,
        i18n_content: enumType.i18n_content === undefined ? null : JSON.stringify(enumType.i18n_content),
        is_deleted: type === 'deleted',
        version: context.version,
      };
      await transaction
        .insertInto('directory_employee_types')
        .values(values)
        .onConflict((conflict) =>
          conflict
            .columns(['connection', 'tenant_key', 'enum_id'])
            .doUpdateSet({ ...values, updated_at: sql`now()` })
            // An older event never overwrites a newer one.
            .where('directory_employee_types.version', '<=', context.version),
        )
        .execute();
    });
  }

  function contextOf(event: InboundEvent): WriteContext | undefined {
    const scope = deps.scopeOf(event);
    return scope === undefined ? undefined : { scope, version: event.createdAt.getTime(), source: 'event', listeners: deps.listeners };
  }
}

/** Marks known entities deleted (those the mirror does not have stay unknown). */
async function markDeleted(transaction: DbTransaction, spec: EntitySpec, ids: readonly string[], context: WriteContext): Promise<void> {
  if (ids.length === 0) return;
  const rows = await transaction
    .selectFrom(spec.table)
    .selectAll()
    .where('connection', '=', context.scope.connection)
    .where('tenant_key', '=', context.scope.tenantKey)
    .where(spec.key as never, 'in', ids as never)
    .execute();
  await writeEntities(spec, transaction, rows.map((row) => ({ row, deleted: true })), context);
}

function eventBody(event: Omit<InboundEvent, 'id'>): Record<string, unknown> {
  return objectOf(event.payload['event']);
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function idsOf(value: unknown, keys: readonly string[]): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (typeof item === 'string') return [item];
    const record = objectOf(item);
    const id = keys.map((key) => record[key]).find((candidate) => typeof candidate === 'string' && candidate !== '');
    return typeof id === 'string' ? [id] : [];
  });
}

function objectIdOf(event: Omit<InboundEvent, 'id'>): string | undefined {
  const object = objectOf(eventBody(event)['object']);
  const id = object['open_id'] ?? object['open_department_id'];
  return typeof id === 'string' ? id : undefined;
}
