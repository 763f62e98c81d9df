import { addApiRoutes, createApiKeys, type ApiKeys } from './api-keys/index.ts';
import type { Config } from './config/index.ts';
import { ensureInstallation, openDatabase, pendingMigrations, runMigrations, type Database } from './db/index.ts';
import { openApiRoutes } from './api-docs/index.ts';
import { addDirectoryApiRoutes, createDirectory, directoryApiDescription, directorySyncApiDescription, type Directory } from './directory/index.ts';
import { GatewayError } from './errors/index.ts';
import { createHttpApp, createMetrics, startHttpServer, type ReadinessCheck } from './http/index.ts';
import { addEventsApiRoutes, createEventReplay, createEvents, eventsApiDescription, inboxOrderingKeys, type Events } from './events/index.ts';
import { createFeishu, type Feishu } from './feishu/index.ts';
import { createJobRunner, type JobRunner } from './jobs/index.ts';
import type { Logger } from './log/index.ts';
import { loadKeyring } from './secrets/index.ts';
import { createWebhooks, webhooksApiDescription, type Webhooks } from './webhooks/index.ts';

export type Gateway = {
  /** Where this instance listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly installationId: string;
  readonly database: Database;
  readonly jobs: JobRunner;
  /** The outbound Feishu clients of the configured connections. */
  readonly feishu: Feishu;
  /** Inbound events: register handlers with `events.registry.on(…)`. */
  readonly events: Events;
  /** The directory mirror: syncs, reconciles and live contact changes. */
  readonly directory: Directory;
  /** Change webhooks to downstream systems (also managed with `feishu-gateway webhooks`). */
  readonly webhooks: Webhooks;
  /** API keys for `/api/v1` (also managed with `feishu-gateway api-keys`). */
  readonly apiKeys: ApiKeys;
  /** Stops taking requests, lets running work finish or releases it, closes the database. */
  stop(): Promise<void>;
};

/**
 * The composition root: opens the database, migrates it, checks the secret key, starts the job
 * runner and then the HTTP server. Every capability is wired here and nowhere else.
 */
export type StartOptions = {
  /**
   * Registers event and card handlers (custom logic, tests) before the job runner starts, so
   * that no stored event is dispatched before its handlers exist.
   */
  readonly register?: (events: Events) => void;
};

export async function startGateway(config: Config, logger: Logger, options: StartOptions = {}): Promise<Gateway> {
  const database = await openDatabase(config, logger);
  let jobs: JobRunner | undefined;
  let feishu: Feishu | undefined;
  let events: Events | undefined;
  let webhooks: Webhooks | undefined;
  try {
    const applied = await runMigrations(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const keyring = loadKeyring({ secretKeys: config.secretKeys, dataDir: config.dataDir });
    const { installationId } = await ensureInstallation(database, keyring);

    const metrics = createMetrics();
    feishu = createFeishu({ config, database, keyring, logger, registry: metrics.registry });
    const outbound = feishu;
    events = createEvents({ config, database, keyring, logger, jobs: () => runner, tokens: feishu.tokens, registry: metrics.registry, client: (name) => outbound.client(name) });
    options.register?.(events);
    webhooks = createWebhooks({ database, keyring, logger, registry: metrics.registry, jobs: () => runner, allowedHosts: config.webhooks.allowedHosts });
    const hooks = webhooks;
    const directory = createDirectory({
      connections: config.envConnection === undefined ? [] : [config.envConnection],
      database,
      logger,
      client: (name) => outbound.client(name),
      jobs: () => runner,
      registry: events.registry,
      listeners: [hooks.onDirectoryChanges],
      options: { reconcileIntervalMs: config.directory.reconcileIntervalMs, syncStepSeconds: config.directory.syncStepSeconds },
    });
    jobs = createJobRunner({ database, logger, jobs: [...events.jobs, ...directory.jobs, ...hooks.jobs] });
    const runner = jobs;
    await jobs.start();
    const inbound = events;
    inbound.start();
    hooks.start();
    await directory.start();
    reportConnections(feishu, logger);
    const apiKeys = createApiKeys(database);
    const replay = createEventReplay({ database, jobs: () => runner, dispatchJob: inbound.dispatchJob, orderingKeyOf: inboxOrderingKeys(inbound.inbox, inbound.registry) });
    const app = createHttpApp({
      logger,
      metrics,
      bodyLimitBytes: config.http.bodyLimitBytes,
      readinessChecks: [...readinessChecks(database, jobs), ...feishu.readinessChecks, ...inbound.readinessChecks],
      routes: [
        inbound.routes,
        // Before the API-key router, which would refuse it first: the document needs no key.
        openApiRoutes({ descriptions: [eventsApiDescription, directoryApiDescription, directorySyncApiDescription, webhooksApiDescription] }),
        addApiRoutes({ apiKeys, routes: [addEventsApiRoutes({ database, replay }), addDirectoryApiRoutes({ database }), directory.routes, hooks.routes] }),
      ],
    });
    const server = await startHttpServer(app, config.http);
    const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${server.port}`;
    logger.info(
      { url, publicUrl: config.http.publicUrl ?? url, database: database.description, installationId },
      `Feishu Gateway listening on ${url}`,
    );
    if (config.envConnection === undefined) {
      logger.warn('No Feishu connection is configured: set FEISHU_APP_ID and the other FEISHU_* keys (docs/configuration.md).');
    }

    const runningJobs = jobs;
    const runningFeishu = feishu;
    return {
      url,
      installationId,
      database,
      jobs: runningJobs,
      feishu: runningFeishu,
      events: inbound,
      directory,
      webhooks: hooks,
      apiKeys,
      async stop() {
        logger.info('stopping');
        await server.close(3_000);
        directory.stop();
        await hooks.stop();
        await inbound.stop();
        await runningJobs.stop({ timeoutMs: 5_000 });
        await runningFeishu.close();
        await database.close();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await webhooks?.stop();
    await events?.stop();
    await jobs?.stop({ timeoutMs: 1_000 });
    await feishu?.close();
    await database.close();
    throw error;
  }
}

/** `feishu-gateway migrate`: applies pending migrations and closes the database. */
export async function migrateDatabase(config: Config, logger: Logger): Promise<string[]> {
  const database = await openDatabase(config, logger);
  try {
    return await runMigrations(database);
  } finally {
    await database.close();
  }
}

/**
 * Tries each connection once at start-up, in the background: a wrong App ID or Secret is logged
 * with Feishu's code and shown in `/readyz`, while the gateway starts and serves anyway.
 */
function reportConnections(feishu: Feishu, logger: Logger): void {
  void feishu.probeConnections().then((results) => {
    for (const { name, error } of results) {
      if (error === undefined) logger.info({ connection: name }, 'Feishu connection ready');
      else logger.error({ connection: name, code: error.code, details: error.details }, `Feishu connection failing: ${error.message}`);
    }
  });
}

function readinessChecks(database: Database, jobs: JobRunner): ReadinessCheck[] {
  // Applied migrations cannot be un-applied by anyone but an operator, so one success is enough.
  let migrationsCurrent = false;
  return [
    { name: 'database', check: async () => await database.ping() },
    {
      name: 'migrations',
      check: async () => {
        if (migrationsCurrent) return;
        const pending = await pendingMigrations(database);
        if (pending.length > 0) throw new GatewayError('db.migrations_pending', `${pending.length} migration(s) pending`);
        migrationsCurrent = true;
      },
    },
    {
      name: 'jobs',
      check: async () => {
        if (!jobs.isRunning()) throw new GatewayError('jobs.not_running', 'job runner is not running');
      },
    },
  ];
}
