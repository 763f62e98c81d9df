import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Database, DbTransaction } from '../db/index.ts';
import type { DirectoryChange, DirectoryChangeListener } from '../directory/directory-change.ts';
import type { AppEnv } from '../http/index.ts';
import type { JobDefinition, JobRunner } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import type { Keyring } from '../secrets/index.ts';
import { addWebhooksApiRoutes } from './add-webhooks-api-routes.ts';
import { parseAllowedHosts } from './allowed-hosts.ts';
import { createDeliverJob, queueJobKey, type DeliverData, type DeliveryTiming } from './create-deliver-job.ts';
import { createDeliveryQueue } from './create-delivery-queue.ts';
import { createWebhookMetrics } from './create-webhook-metrics.ts';
import { createWebhookSubscriptions, type WebhookSubscriptions } from './create-webhook-subscriptions.ts';
import { matchesEventType } from './event-patterns.ts';
import { systemLookup, type LookupAddresses } from './resolve-destination.ts';

export type WebhookTiming = DeliveryTiming & {
  /** How often each instance looks for queues due again (after a backoff, a crash, a re-enable). */
  readonly sweepIntervalMs: number;
  /** How long the publisher trusts its copy of the enabled subscriptions. */
  readonly subscriptionCacheMs: number;
  /** Delivered and failed deliveries are kept this long in the log. */
  readonly retentionMs: number;
};

export const defaultWebhookTiming: WebhookTiming = {
  attemptTimeoutMs: 10_000,
  // 5 s, 10 s, 20 s … then hourly, for at least 24 h: about 35 attempts.
  backoff: { baseMs: 5_000, capMs: 60 * 60_000 },
  retryWindowMs: 24 * 60 * 60_000,
  leaseMs: 60_000,
  runBudgetMs: 30_000,
  sweepIntervalMs: 5_000,
  subscriptionCacheMs: 5_000,
  retentionMs: 30 * 24 * 60 * 60_000,
};

export type Webhooks = {
  /** Managed by the admin API and the `feishu-gateway webhooks` command. */
  readonly subscriptions: WebhookSubscriptions;
  /**
   * Give to the directory: records the deliveries of the changes recorded together (a page of a
   * sync, an event) in their transaction — one insert and one enqueue for the whole batch.
   */
  readonly onDirectoryChanges: DirectoryChangeListener;
  /** The jobs to give the job runner. */
  readonly jobs: readonly JobDefinition<never>[];
  readonly deliverJob: JobDefinition<DeliverData>;
  /** `/api/v1/webhooks`; mount inside `addApiRoutes`. */
  readonly routes: (app: Hono<AppEnv>) => void;
  /** Starts the sweep (and the purge of old log entries); call after the job runner started. */
  start(): void;
  /** Stops the sweep; call before the job runner stops. */
  stop(): Promise<void>;
  /** Wakes every queue that is due now; resolves with how many. Runs on its own every `sweepIntervalMs`. */
  sweep(): Promise<number>;
};

type CachedSubscription = { readonly id: string; readonly events: readonly string[]; readonly connection: string | null };

const SWEEP_BATCH = 1_000;
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Signed outbound change webhooks (issue 7, item 6). Directory changes become deliveries in the
 * directory's own transaction; deliver jobs send them, signed per Standard Webhooks, in order per
 * entity and subscription, retrying with backoff for at least a day; every destination passes
 * the SSRF guard first.
 *
 * @example
 * const webhooks = createWebhooks({ database, keyring, logger, registry, jobs: () => runner, allowedHosts: config.webhooks.allowedHosts });
 * // directory: listeners: [webhooks.onDirectoryChanges]; runner: jobs: [...webhooks.jobs]
 */
export function createWebhooks(deps: {
  database: Database;
  keyring: Keyring;
  logger: Logger;
  registry: Registry;
  jobs: () => JobRunner;
  /** `WEBHOOKS_ALLOWED_HOSTS`. */
  allowedHosts: readonly string[];
  lookup?: LookupAddresses;
  timing?: Partial<WebhookTiming>;
  /** Deliver workers per instance, and jobs each fetches at once: up to their product of entities in parallel. */
  concurrency?: number;
  batchSize?: number;
}): Webhooks {
  const timing = { ...defaultWebhookTiming, ...deps.timing };
  const logger = deps.logger.child({ component: 'webhooks' });
  const lookup = deps.lookup ?? systemLookup;
  const queue = createDeliveryQueue(deps.database);
  const metrics = createWebhookMetrics(deps.registry);

  let cache: { readonly loadedAt: number; readonly subscriptions: readonly CachedSubscription[] } | undefined;
  const subscriptions = createWebhookSubscriptions({ database: deps.database, keyring: deps.keyring, allowedHosts: deps.allowedHosts, lookup, onChange: () => (cache = undefined) });

  const deliverJob = createDeliverJob({
    queue,
    keyring: deps.keyring,
    allowed: parseAllowedHosts(deps.allowedHosts),
    lookup,
    metrics,
    timing,
    jobs: deps.jobs,
    logger,
    ...(deps.concurrency === undefined ? {} : { concurrency: deps.concurrency }),
    ...(deps.batchSize === undefined ? {} : { batchSize: deps.batchSize }),
  });

  // Read through the directory's transaction: on PGlite, its one connection is busy with it.
  async function enabledSubscriptions(transaction: DbTransaction): Promise<readonly CachedSubscription[]> {
    if (cache !== undefined && Date.now() - cache.loadedAt < timing.subscriptionCacheMs) return cache.subscriptions;
    const rows = await transaction.selectFrom('webhook_subscriptions').select(['id', 'event_types', 'connection']).where('enabled', '=', true).execute();
    const loaded = rows.map((row) => ({ id: String(row.id), events: row.event_types, connection: row.connection }));
    cache = { loadedAt: Date.now(), subscriptions: loaded };
    return loaded;
  }

  const onDirectoryChanges = async (transaction: DbTransaction, changes: readonly DirectoryChange[]): Promise<void> => {
    const subscribed = await enabledSubscriptions(transaction);
    const matched = changes
      .map((change) => ({
        change,
        subscriptionIds: subscribed.filter((subscription) => (subscription.connection === null || subscription.connection === change.connection) && matchesEventType(subscription.events, change.type)).map((subscription) => subscription.id),
      }))
      .filter(({ subscriptionIds }) => subscriptionIds.length > 0);
    if (matched.length === 0) return;
    const recorded = await queue.record(transaction, matched);
    const runner = deps.jobs();
    // Without a running job runner (a process that only records changes), the rows are enough:
    // a gateway's sweep finds them due and delivers them.
    if (recorded.length === 0 || !runner.isRunning()) return;
    await runner.enqueueMany(
      deliverJob,
      recorded.map((key) => ({ data: key, singletonKey: queueJobKey(key) })),
      { transaction },
    );
  };

  async function sweep(): Promise<number> {
    const runner = deps.jobs();
    if (!runner.isRunning()) return 0;
    const due = await queue.dueQueues(SWEEP_BATCH);
    await runner.enqueueMany(
      deliverJob,
      due.map((key) => ({ data: key, singletonKey: queueJobKey(key) })),
    );
    return due.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastPurge = 0;
  async function tick(): Promise<void> {
    await sweep();
    if (Date.now() - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = Date.now();
      const removed = await queue.purge(new Date(Date.now() - timing.retentionMs));
      if (removed > 0) logger.info({ removed }, 'old webhook deliveries purged');
    }
  }

  return {
    subscriptions,
    onDirectoryChanges,
    jobs: [deliverJob],
    deliverJob,
    routes: addWebhooksApiRoutes({ subscriptions }),
    sweep,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        // One sweep at a time: a slow database must not pile them up.
        running ??= tick()
          .catch((error: unknown) => logger.warn({ err: error }, 'webhook sweep failed'))
          .finally(() => (running = undefined));
      }, timing.sweepIntervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
