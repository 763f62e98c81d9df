import type { Kysely } from 'kysely';
import type { DbTransaction } from '../db/index.ts';
import type { DirectoryChange, DirectoryChangeListener } from './directory-change.ts';
import type { DirectoryScope } from './entity-rows.ts';
import { departmentSpec, groupSpec, userSpec } from './entity-specs.ts';
import { writeEntities, type Row } from './write-entities.ts';

const CHUNK = 500;

/**
 * The end of a full sync: every user, department and group of the directory that the run did not
 * see in Feishu is marked deleted (soft), with a change for each — unless a contact event changed
 * it after the run began (its version is newer than `since`), which means it exists.
 *
 * @returns how many rows were marked deleted.
 */
export async function sweepUnseen(
  transaction: DbTransaction,
  options: { scope: DirectoryScope; runId: string; since: Date; source: DirectoryChange['source']; listeners: readonly DirectoryChangeListener[] },
): Promise<number> {
  const db = transaction as unknown as Kysely<Record<string, Row>>;
  let swept = 0;
  for (const spec of [userSpec, departmentSpec, groupSpec]) {
    const deletedColumn = spec === userSpec ? 'state' : 'is_deleted';
    for (;;) {
      const unseen = await db
        .selectFrom(spec.table)
        .selectAll()
        .where('connection', '=', options.scope.connection)
        .where('tenant_key', '=', options.scope.tenantKey)
        .where(deletedColumn, '!=', spec === userSpec ? 'deleted' : true)
        .where((eb) => eb.or([eb('seen_by_sync', 'is', null), eb('seen_by_sync', '!=', options.runId)]))
        .where('version', '<', options.since.getTime())
        .limit(CHUNK)
        .execute();
      if (unseen.length === 0) break;
      await writeEntities(
        spec,
        transaction,
        unseen.map((row) => ({ row, deleted: true })),
        { scope: options.scope, version: Date.now(), source: options.source, listeners: options.listeners },
      );
      swept += unseen.length;
      if (unseen.length < CHUNK) break;
    }
  }
  return swept;
}
