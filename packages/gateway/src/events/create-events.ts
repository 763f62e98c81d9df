import type * as lark from '@larksuiteoapi/node-sdk';
import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Config, FeishuConnectionConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { TokenStore } from '../feishu/index.ts';
import type { AppEnv, ReadinessCheck } from '../http/index.ts';
import type { JobDefinition, JobRunner } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import type { Keyring } from '../secrets/index.ts';
import { addCardRoutes } from './add-card-routes.ts';
import { answerCardCallback } from './answer-card-callback.ts';
import { addEventRoutes } from './add-event-routes.ts';
import { createCardActions, type CardActions } from './card-actions.ts';
import { createCardMetrics } from './create-card-metrics.ts';
import { createDispatchJob } from './create-dispatch-job.ts';
import { createEventMetrics } from './create-event-metrics.ts';
import { createEventInbox, type DispatchData, type EventInbox } from './create-event-inbox.ts';
import { createEventRegistry, type EventRegistry } from './event-registry.ts';
import { createLongConnection } from './create-long-connection.ts';
import { longConnectionReadinessCheck } from './long-connection-readiness-check.ts';

export type Events = {
  /** Where capabilities register their handlers (`on(eventType, handler, options)`). */
  readonly registry: EventRegistry;
  /** Where capabilities register card-action handlers (buttons and forms on cards). */
  readonly cardActions: CardActions;
  readonly inbox: EventInbox;
  /** The jobs to give the job runner. */
  readonly jobs: readonly JobDefinition<never>[];
  /** The job that hands a stored event to its handlers (for replays). */
  readonly dispatchJob: JobDefinition<DispatchData>;
  readonly routes: (app: Hono<AppEnv>) => void;
  /** Advisory readiness checks: one per connection in long-connection mode. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Opens the long connections and starts the hourly purge; call after the job runner started. */
  start(): void;
  /** Closes the long connections (waiting for events being received); call before the job runner stops. */
  stop(): Promise<void>;
};

const PURGE_INTERVAL_MS = 60 * 60_000;
// Card callbacks are never retried by Feishu and old-style ones carry no id to de-duplicate, so
// only clock skew needs room: an older signed callback is a replay.
const CARD_MAX_AGE_MS = 5 * 60_000;

/**
 * Inbound events for the configured connections: the HTTP receiver, the durable inbox and the
 * dispatch job. Store apps' `app_ticket` events are handled here, into the token store.
 */
export function createEvents(deps: { config: Config; database: Database; keyring: Keyring; logger: Logger; jobs: () => JobRunner; tokens: TokenStore; registry: Registry; client: (connection: string) => lark.Client }): Events {
  const connections = new Map<string, FeishuConnectionConfig>();
  if (deps.config.envConnection !== undefined) connections.set(deps.config.envConnection.name, deps.config.envConnection);
  const registry = createEventRegistry();
  const metrics = createEventMetrics(deps.registry);
  // The job and the inbox need each other: the job is created first, and finds the inbox when it runs.
  const dispatchJob = createDispatchJob({ inbox: () => inbox, registry, metrics, handlerTimeoutSeconds: deps.config.events.handlerTimeoutSeconds });
  const inbox: EventInbox = createEventInbox({ database: deps.database, keyring: deps.keyring, jobs: deps.jobs, dispatchJob });
  const logger = deps.logger.child({ component: 'events' });

  // A store app's ticket arrives hourly as an event (v1 envelope); the token store keeps it.
  registry.on('app_ticket', async (event) => {
    const body = event.payload['event'];
    const ticket = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['app_ticket'] : undefined;
    if (typeof ticket === 'string' && ticket !== '') await deps.tokens.saveAppTicket(event.connection, ticket);
  });

  const cardActions = createCardActions();
  const cardMetrics = createCardMetrics(deps.registry);
  const eventRoutes = addEventRoutes({ connection: (name) => connections.get(name), inbox, registry, maxAgeMs: deps.config.events.maxAgeMs, metrics });
  const cardRoutes = addCardRoutes({ connection: (name) => connections.get(name), actions: cardActions, client: deps.client, maxAgeMs: CARD_MAX_AGE_MS, metrics: cardMetrics });

  const longConnections = [...connections.values()]
    .filter((connection) => connection.eventMode === 'websocket')
    .map((connection) =>
      createLongConnection({
        connection,
        inbox,
        registry,
        metrics,
        metricsRegistry: deps.registry,
        maxAgeMs: deps.config.events.maxAgeMs,
        logger,
        cards: async (callback) => {
          const { outcome, body } = await answerCardCallback(callback, { connection: connection.name, actions: cardActions, client: deps.client, metrics: cardMetrics, logger });
          cardMetrics.callbacks.inc({ connection: connection.name, outcome });
          return body;
        },
      }),
    );

  let purgeTimer: NodeJS.Timeout | undefined;
  const purge = async () => {
    const removed = await inbox.purge(new Date(Date.now() - deps.config.events.retentionMs));
    if (removed > 0) logger.info({ removed }, 'old inbox events purged');
  };
  return {
    registry,
    cardActions,
    inbox,
    jobs: [dispatchJob],
    dispatchJob,
    routes: (app) => {
      eventRoutes(app);
      cardRoutes(app);
    },
    readinessChecks: longConnections.map(longConnectionReadinessCheck),
    start() {
      for (const longConnection of longConnections) longConnection.start();
      // Every instance purges; deleting the same old rows twice is harmless.
      purgeTimer = setInterval(() => void purge().catch((error: unknown) => logger.warn({ err: error }, 'inbox purge failed')), PURGE_INTERVAL_MS);
      purgeTimer.unref();
    },
    async stop() {
      clearInterval(purgeTimer);
      await Promise.all(longConnections.map((longConnection) => longConnection.stop()));
    },
  };
}
