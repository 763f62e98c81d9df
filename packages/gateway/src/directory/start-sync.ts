import type { Database } from '../db/index.ts';
import type { JobDefinition, JobRunner } from '../jobs/index.ts';
import type { SyncRunKind, SyncTaskKind } from './directory-tables.ts';
import type { DirectoryScope } from './entity-rows.ts';

export type SyncJobData = { readonly runId: string };

/** Starts a sync of a directory: a run row, its first tasks and its job, in one transaction. */
export type StartSync = (scope: DirectoryScope, kind: SyncRunKind, tasks?: readonly { task: SyncTaskKind; target: string }[]) => Promise<{ runId: string; joined: boolean }>;

/**
 * One sync runs per directory at a time. A full sync or reconcile asked for while one runs joins
 * it (`joined: true`); a partial run it joins becomes a full one. A partial sync's targets (a scope change) are added to the running run,
 * from their first page again — what they list may have been out of scope when first listed.
 */
export function createStartSync(deps: { database: Database; jobs: () => JobRunner; syncJob: JobDefinition<SyncJobData> }): StartSync {
  return async (scope, kind, tasks = [{ task: 'scope', target: '' }]) =>
    await deps.database.kysely.transaction().execute(async (transaction) => {
      const created = await transaction
        .insertInto('directory_sync_runs')
        .values({ connection: scope.connection, tenant_key: scope.tenantKey, kind, status: 'running', counts: null, error: null, finished_at: null })
        .onConflict((conflict) => conflict.columns(['connection', 'tenant_key']).where('status', '=', 'running').doNothing())
        .returning('id')
        .executeTakeFirst();
      const running =
        created === undefined
          ? await transaction
              .selectFrom('directory_sync_runs')
              .select(['id', 'kind'])
              .where('connection', '=', scope.connection)
              .where('tenant_key', '=', scope.tenantKey)
              .where('status', '=', 'running')
              // Taken before adding tasks, so the run cannot finish in between (see runSyncStep).
              .forUpdate()
              .executeTakeFirstOrThrow()
          : undefined;
      const runId = String(running?.id ?? created?.id);
      const joined = running !== undefined;
      // A full sync or reconcile asked for while a partial run goes turns that run into one: it
      // lists the whole scope and, at its end, marks deleted what it did not see.
      const upgrade = running !== undefined && running.kind === 'partial' && kind !== 'partial';
      if (upgrade) await transaction.updateTable('directory_sync_runs').set({ kind }).where('id', '=', runId).execute();
      if (!joined || kind === 'partial' || upgrade) {
        await transaction
          .insertInto('directory_sync_tasks')
          .values(tasks.map((task) => ({ run_id: runId, task: task.task, target: task.target, page_token: null })))
          .onConflict((conflict) => conflict.columns(['run_id', 'task', 'target']).doUpdateSet({ page_token: null, done: false }))
          .execute();
      }
      if (!joined) await deps.jobs().enqueue(deps.syncJob, { runId }, { transaction });
      return { runId, joined };
    });
}
