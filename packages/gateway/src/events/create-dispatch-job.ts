import { defineJob, type JobDefinition } from '../jobs/index.ts';
import type { DispatchData, EventInbox } from './create-event-inbox.ts';
import type { EventMetrics } from './create-event-metrics.ts';
import type { EventRegistry } from './event-registry.ts';

export const DISPATCH_JOB_NAME = 'events.dispatch';

/**
 * The job that hands one stored event to its handlers: the plain ones, then the transactional
 * ones in the transaction that marks it handled (see `EventRegistry`). A failure is retried with backoff
 * (pg-boss) and the row records it; after `retryLimit` retries the job goes to the dead-letter
 * queue and the row is marked `dead`, ready for a replay. The queue's `singleton` policy runs
 * jobs with the same ordering key one at a time.
 */
export function createDispatchJob(deps: {
  inbox: () => EventInbox;
  registry: EventRegistry;
  metrics: EventMetrics;
  retryLimit?: number;
  /** First retry delay (doubling, with jitter). Default 5 s. */
  retryDelaySeconds?: number;
  concurrency?: number;
  /** The lease of a batch of dispatches: past it, pg-boss fails them and they run again. Default 60 s. */
  handlerTimeoutSeconds?: number;
}): JobDefinition<DispatchData> {
  const retryLimit = deps.retryLimit ?? 8;
  return defineJob<DispatchData>({
    name: DISPATCH_JOB_NAME,
    policy: 'singleton',
    retryLimit,
    retryDelaySeconds: deps.retryDelaySeconds ?? 5,
    concurrency: deps.concurrency ?? 4,
    // Handlers are short and mostly waiting: a batch per fetch shares the queue's queries.
    batchSize: 16,
    expireInSeconds: deps.handlerTimeoutSeconds ?? 60,
    handler: async ({ inboxId }, context) => {
      const inbox = deps.inbox();
      const event = await inbox.load(inboxId);
      // Purged after its retention, or handled by a run that ended before the queue heard of it
      // (a crash right after the commit): nothing left to do.
      if (event === undefined || event.status === 'handled') return;
      const handlers = deps.registry.handlersFor(event.eventType);
      try {
        for (const handler of handlers.plain) await handler(event);
        if (handlers.transactional.length === 0) {
          await inbox.settle(inboxId, { status: 'handled' });
        } else {
          const ran = await inbox.handleInTransaction(inboxId, async (transaction) => {
            for (const handler of handlers.transactional) await handler(event, transaction);
          });
          if (!ran) return;
        }
      } catch (error) {
        const last = context.attempt > retryLimit;
        await inbox.settle(inboxId, { status: last ? 'dead' : 'failed', error: error instanceof Error ? error.message : String(error) });
        context.logger.warn({ inboxId, eventType: event.eventType, attempt: context.attempt, dead: last }, 'event handler failed');
        if (last) deps.metrics.dead.inc({ type: event.eventType });
        throw error;
      }
      deps.metrics.handled.observe({ type: event.eventType }, (Date.now() - event.receivedAt.getTime()) / 1000);
    },
  });
}
