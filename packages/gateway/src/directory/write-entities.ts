import { sql, type Kysely } from 'kysely';
import type { DbTransaction } from '../db/index.ts';
import type { DirectoryChange, DirectoryChangeKind, DirectoryChangeListener, DirectoryEntity } from './directory-change.ts';
import type { DirectoryScope } from './entity-rows.ts';

/** How one kind of entity is stored: its table, its key, what state a row is in and how it is served. */
export type EntitySpec = {
  readonly entity: DirectoryEntity;
  readonly table: 'directory_users' | 'directory_departments' | 'directory_groups';
  readonly key: 'open_id' | 'open_department_id' | 'group_id';
  readonly stateOf: (row: Row) => 'active' | 'deactivated' | 'deleted';
  /** The row's fields that mark it deleted at `at`. */
  readonly deletedFields: (at: Date) => Row;
  readonly viewOf: (row: Row) => Readonly<Record<string, unknown>>;
};

/** A row of one of the entity tables, read or about to be written. */
export type Row = Record<string, unknown>;

export type WriteContext = {
  readonly scope: DirectoryScope;
  /** Epoch ms of the change in Feishu (event `create_time`) or of the read (sync). */
  readonly version: number;
  readonly source: DirectoryChange['source'];
  /** The full sync reading these rows: they are marked seen by it, even when not newer. */
  readonly syncRun?: string | undefined;
  readonly listeners: readonly DirectoryChangeListener[];
};

// The entity tables are written alike; Kysely's typed builder cannot range over table names.
type AnyTables = Record<string, Row>;

/**
 * Writes what Feishu says about some entities, in the caller's transaction, and records a change
 * for each one that differs as served. The rules that make order and duplicates harmless:
 *
 * - a row newer than the incoming `version` is kept (an old event never overwrites a newer read);
 * - a deleted row is never brought back by an event (a late "updated" after a "deleted"); a sync
 *   or reconcile that finds the entity in Feishu again does bring it back;
 * - a deletion of an entity never seen is kept as a deleted row (a tombstone), so that its
 *   "created" arriving late does not create it — and no change is recorded for it;
 * - the same state written twice records nothing.
 *
 * Rows are locked (`FOR UPDATE`) while compared, so an event and a sync page writing one entity
 * at the same time take turns.
 */
export async function writeEntities(spec: EntitySpec, transaction: DbTransaction, incoming: readonly { row: Row; deleted: boolean }[], context: WriteContext): Promise<DirectoryChange[]> {
  if (incoming.length === 0) return [];
  const db = transaction as unknown as Kysely<AnyTables>;
  const latest = new Map([...incoming].sort((a, b) => compareKeys(a.row[spec.key], b.row[spec.key])).map((entry) => [String(entry.row[spec.key]), entry]));
  const existing = new Map(
    (
      await db
        .selectFrom(spec.table)
        .selectAll()
        .where('connection', '=', context.scope.connection)
        .where('tenant_key', '=', context.scope.tenantKey)
        .where(spec.key, 'in', [...latest.keys()])
        // Locked in one order everywhere, so two writers of overlapping pages cannot deadlock.
        .orderBy(spec.key)
        .forUpdate()
        .execute()
    ).map((row) => [String(row[spec.key]), row]),
  );

  const inserted: Row[] = [];
  const written: Row[] = [];
  const seenOnly: string[] = [];
  const pending: { entityId: string; kind: DirectoryChangeKind; changedFields: string[]; view: Readonly<Record<string, unknown>> }[] = [];
  for (const [entityId, { row, deleted }] of latest) {
    const old = existing.get(entityId);
    const stale = old !== undefined && Number(old['version']) > context.version;
    const resurrecting = old !== undefined && spec.stateOf(old) === 'deleted' && !deleted && context.source === 'event';
    if (stale || resurrecting) {
      if (context.syncRun !== undefined) seenOnly.push(entityId);
      continue;
    }
    const next: Row = { ...row, version: context.version, seen_by_sync: context.syncRun ?? old?.['seen_by_sync'] ?? null, ...(deleted ? spec.deletedFields(old?.['deleted_at'] instanceof Date ? old['deleted_at'] : new Date(context.version)) : {}) };
    const view = spec.viewOf(next);
    if (old === undefined) {
      inserted.push(next);
      if (!deleted) pending.push({ entityId, kind: 'created', changedFields: [], view });
      continue;
    }
    const oldView = spec.viewOf(old);
    const changedFields = Object.keys(view).filter((field) => canonicalJson(view[field]) !== canonicalJson(oldView[field]));
    if (changedFields.length === 0) {
      if (context.syncRun !== undefined || Number(old['version']) !== context.version) seenOnly.push(entityId);
      continue;
    }
    written.push(next);
    pending.push({ entityId, kind: changeKindOf(spec.stateOf(old), spec.stateOf(next)), changedFields: changeKindOf(spec.stateOf(old), spec.stateOf(next)) === 'deleted' ? [] : changedFields, view });
  }

  // Another transaction may be creating the same entity (a user listed in two departments at
  // once): its row wins, and ours are compared with it as updates, once it has committed.
  const raced = await insertNew(spec, db, inserted);
  const racedIds = new Set(raced.map((row) => String(row[spec.key])));
  const changes = pending.filter((change) => !racedIds.has(change.entityId));
  await upsert(spec, db, written);
  await markSeen(spec, db, seenOnly, context);
  const recorded = await recordChanges(transaction, spec.entity, changes, context);
  if (raced.length === 0) return recorded;
  return [...recorded, ...(await writeEntities(spec, transaction, raced.map((row) => ({ row, deleted: latest.get(String(row[spec.key]))?.deleted ?? false })), context))];
}

/** Inserts rows that did not exist; returns those another transaction inserted first. */
async function insertNew(spec: EntitySpec, db: Kysely<AnyTables>, rows: readonly Row[]): Promise<Row[]> {
  if (rows.length === 0) return [];
  const created = await db
    .insertInto(spec.table)
    .values([...rows])
    .onConflict((conflict) => conflict.columns(['connection', 'tenant_key', spec.key]).doNothing())
    .returning(spec.key)
    .execute();
  const createdIds = new Set(created.map((row) => String(row[spec.key])));
  return rows.filter((row) => !createdIds.has(String(row[spec.key])));
}

async function upsert(spec: EntitySpec, db: Kysely<AnyTables>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] ?? {}).filter((column) => !['connection', 'tenant_key', spec.key].includes(column));
  await db
    .insertInto(spec.table)
    .values([...rows])
    .onConflict((conflict) =>
      conflict.columns(['connection', 'tenant_key', spec.key]).doUpdateSet((update) => ({
        ...Object.fromEntries(columns.map((column) => [column, update.ref(`excluded.${column}`)])),
        updated_at: sql`now()`,
      })),
    )
    .execute();
}

/** Rows read again without a difference: only their version, and the sync that saw them, move. */
async function markSeen(spec: EntitySpec, db: Kysely<AnyTables>, ids: readonly string[], context: WriteContext): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(spec.table)
    .set({
      version: sql`greatest(version, ${context.version})`,
      ...(context.syncRun === undefined ? {} : { seen_by_sync: context.syncRun }),
    })
    .where('connection', '=', context.scope.connection)
    .where('tenant_key', '=', context.scope.tenantKey)
    .where(spec.key, 'in', [...ids])
    .execute();
}

/** Records changes in the change log (one statement) and hands each to the listeners. */
export async function recordChanges(
  transaction: DbTransaction,
  entity: DirectoryEntity,
  pending: readonly { entityId: string; kind: DirectoryChangeKind; changedFields: readonly string[]; view: Readonly<Record<string, unknown>> }[],
  context: Pick<WriteContext, 'scope' | 'version' | 'source' | 'listeners'>,
): Promise<DirectoryChange[]> {
  if (pending.length === 0) return [];
  const occurredAt = new Date(context.version);
  const rows = await transaction
    .insertInto('directory_changes')
    .values(pending.map((change) => ({ connection: context.scope.connection, tenant_key: context.scope.tenantKey, entity, entity_id: change.entityId, kind: change.kind, changed_fields: [...change.changedFields], occurred_at: occurredAt, source: context.source })))
    .returning(['id', 'entity_id'])
    .execute();
  // Matched by entity, in order, rather than by position: RETURNING's order is not promised.
  const idsOf = new Map<string, string[]>();
  for (const row of rows) idsOf.set(row.entity_id, [...(idsOf.get(row.entity_id) ?? []), String(row.id)]);
  const changes = pending.map(
    (change): DirectoryChange => ({
      id: idsOf.get(change.entityId)?.shift() ?? '',
      connection: context.scope.connection,
      tenantKey: context.scope.tenantKey,
      entity,
      entityId: change.entityId,
      kind: change.kind,
      type: `${entity}.${change.kind}`,
      changedFields: change.changedFields,
      data: change.view,
      occurredAt,
      source: context.source,
    }),
  );
  for (const listener of context.listeners) await listener(transaction, changes);
  return changes;
}

/** JSON with object keys sorted: jsonb gives keys back in its own order, which is no change. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => compareKeys(a, b))) : inner,
  );
}

function compareKeys(a: unknown, b: unknown): number {
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function changeKindOf(before: 'active' | 'deactivated' | 'deleted', after: 'active' | 'deactivated' | 'deleted'): DirectoryChangeKind {
  if (after === 'deleted' && before !== 'deleted') return 'deleted';
  if (after === 'deactivated' && before === 'active') return 'deactivated';
  // Reactivated, restored, or any other difference.
  if (before === 'deleted') return 'created';
  return 'updated';
}
