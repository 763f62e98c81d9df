import { defineJob, type JobDefinition } from '../jobs/index.ts';
import type { DispatchData, EventInbox } from './create-event-inbox.ts';
import type { EventMetrics } from './create-event-metrics.ts';
import type { EventRegistry } from './event-registry.ts';

export const DISPATCH_JOB_NAME = 'events.dispatch';

/**
 * The job that hands one stored event to its handlers. A failure is retried with backoff
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
    handler: async ({ inboxId }, context) => {
      const inbox = deps.inbox();
      const event = await inbox.load(inboxId);
      // Purged after its retention: nothing left to do.
      if (event === undefined) return;
      try {
        for (const handler of deps.registry.handlersFor(event.eventType)) await handler(event);
      } catch (error) {
        const last = context.attempt > retryLimit;
        await inbox.settle(inboxId, { status: last ? 'dead' : 'failed', error: error instanceof Error ? error.message : String(error) });
        context.logger.warn({ inboxId, eventType: event.eventType, attempt: context.attempt, dead: last }, 'event handler failed');
        if (last) deps.metrics.dead.inc({ type: event.eventType });
        throw error;
      }
      await inbox.settle(inboxId, { status: 'handled' });
      deps.metrics.handled.observe({ type: event.eventType }, (Date.now() - event.receivedAt.getTime()) / 1000);
    },
  });
}
