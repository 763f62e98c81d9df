import type * as lark from '@larksuiteoapi/node-sdk';
import type { Hono } from 'hono';
import type { FeishuConnectionConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { EventRegistry, InboundEvent } from '../events/index.ts';
import type { AppEnv } from '../http/index.ts';
import { defineJob, type JobDefinition, type JobRunner } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import { addContactHandlers } from './add-contact-handlers.ts';
import { addDirectorySyncRoute } from './add-directory-sync-route.ts';
import type { DirectoryChangeListener } from './directory-change.ts';
import type { DirectoryScope } from './entity-rows.ts';
import { runSyncStep } from './run-sync-step.ts';
import { createStartSync, type StartSync, type SyncJobData } from './start-sync.ts';

export type Directory = {
  readonly startSync: StartSync;
  /** `POST /api/v1/directory/sync`, for the API-key router. */
  readonly routes: (app: Hono<AppEnv>) => void;
  /** The directories this gateway mirrors: one per self-built connection. */
  readonly scopes: readonly DirectoryScope[];
  readonly jobs: readonly JobDefinition<never>[];
  /** Starts a first full sync where none has finished, and the reconcile schedule. */
  start(): Promise<void>;
  /** Resolves once every mirrored directory has finished a full sync (polling the database). */
  whenSynced(): Promise<void>;
  stop(): void;
};

export type DirectoryOptions = {
  /** A sync job works this long, then hands over to a fresh job; its lease is three times longer. */
  readonly syncStepSeconds?: number;
  /** Pages fetched at once by one sync (the rate governor paces them). Default 16. */
  readonly syncConcurrency?: number;
  /** Reconcile when the last finished sync is older than this. Default a week. */
  readonly reconcileIntervalMs?: number;
};

const RECONCILE_CHECK_MS = 60 * 60_000;

/**
 * The directory mirror (issue 7): full syncs and reconciles as checkpointed jobs, contact event
 * handlers for live changes, and the change listeners (webhooks) every change is handed to.
 *
 * Choice: only self-built apps are mirrored for now; a store app's tenants are many and are
 * learnt from its installations, which the gateway does not track yet.
 */
export function createDirectory(deps: {
  connections: readonly FeishuConnectionConfig[];
  database: Database;
  logger: Logger;
  client: (connection: string) => lark.Client;
  jobs: () => JobRunner;
  registry: EventRegistry;
  listeners: readonly DirectoryChangeListener[];
  options?: DirectoryOptions;
}): Directory {
  const logger = deps.logger.child({ component: 'directory' });
  const stepSeconds = deps.options?.syncStepSeconds ?? 40;
  const mirrored = deps.connections.filter((connection) => connection.appType === 'self_built');
  const scopes: DirectoryScope[] = mirrored.map((connection) => ({ connection: connection.name, tenantKey: '' }));
  const syncDeps = { database: deps.database, client: deps.client, listeners: deps.listeners, logger, concurrency: deps.options?.syncConcurrency ?? 16 };

  const syncJob: JobDefinition<SyncJobData> = defineJob<SyncJobData>({
    name: 'directory.sync',
    retryLimit: 20,
    retryDelaySeconds: 10,
    // A killed instance's step comes back after this; a step works for a third of it. The run's
    // own lease (a little shorter) keeps two steps of one run from working at once — a queue
    // singleton would too, but pg-boss notices a finished singleton only at its next monitor run,
    // which left seconds to minutes between steps.
    expireInSeconds: stepSeconds * 3,
    handler: async ({ runId }) => {
      const outcome = await runSyncStep(syncDeps, runId, stepSeconds * 1000, stepSeconds * 2_500);
      if (outcome === 'more') await deps.jobs().enqueue(syncJob, { runId });
    },
  });
  const startSync = createStartSync({ database: deps.database, jobs: deps.jobs, syncJob });

  addContactHandlers({
    registry: deps.registry,
    scopeOf: (event: InboundEvent) => (mirrored.some((connection) => connection.name === event.connection) ? { connection: event.connection, tenantKey: '' } : undefined),
    listeners: deps.listeners,
    startSync,
  });

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const lastFinished = async (scope: DirectoryScope) =>
    await deps.database.kysely
      .selectFrom('directory_sync_runs')
      .select(['finished_at'])
      .where('connection', '=', scope.connection)
      .where('tenant_key', '=', scope.tenantKey)
      .where('kind', '!=', 'partial')
      .where('status', '=', 'done')
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  const reconcileIfDue = async () => {
    const interval = deps.options?.reconcileIntervalMs ?? 7 * 24 * 3_600_000;
    for (const scope of scopes) {
      const last = await lastFinished(scope);
      // Never synced: a full sync. Synced long ago: a reconcile. Either joins one already running.
      if (last === undefined) await startSync(scope, 'full');
      else if (last.finished_at !== null && Date.now() - last.finished_at.getTime() > interval) await startSync(scope, 'reconcile');
    }
  };

  return {
    startSync,
    routes: addDirectorySyncRoute({ scopes, startSync }),
    scopes,
    jobs: [syncJob] as readonly JobDefinition<never>[],
    async start() {
      await reconcileIfDue();
      timer = setInterval(() => void reconcileIfDue().catch((error: unknown) => logger.warn({ err: error }, 'directory reconcile check failed')), RECONCILE_CHECK_MS);
      timer.unref();
    },
    async whenSynced() {
      for (const scope of scopes) {
        while ((await lastFinished(scope)) === undefined) {
          if (stopped) throw new Error('the directory stopped before its first sync finished');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
