import { createHash } from 'node:crypto';
import { isGatewayError } from '../errors/index.ts';
import { defineJob, type JobDefinition, type JobRunner } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import { openSecret, type Keyring } from '../secrets/index.ts';
import type { AllowedHosts } from './allowed-hosts.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff-delay.ts';
import type { AttemptResult, ClaimedDelivery, DeliveryQueue, QueueKey } from './create-delivery-queue.ts';
import { attemptOutcomeOf, type WebhookMetrics } from './create-webhook-metrics.ts';
import { secretContextOf } from './create-webhook-subscriptions.ts';
import { postWebhook } from './post-webhook.ts';
import { resolveDestination, type LookupAddresses } from './resolve-destination.ts';
import { signWebhook } from './sign-webhook.ts';

export const DELIVER_JOB_NAME = 'webhooks.deliver';

/** A deliver job wakes one (subscription, entity) queue; the queue itself is in the database. */
export type DeliverData = { readonly subscriptionId: string; readonly entityKey: string };

export type DeliveryTiming = {
  /** A 2xx within this is success. */
  readonly attemptTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  /** How long a delivery is retried before it is `failed`. */
  readonly retryWindowMs: number;
  /** How long a claimed delivery is held for its attempt; a worker that dies releases it after this. */
  readonly leaseMs: number;
  /** One job drains its queue for at most this long, then hands over to a new job. */
  readonly runBudgetMs: number;
};

// The singleton key of a queue's job: a hash, because pg-boss writes some keys into its SQL as
// literals, and entity ids come from Feishu.
export function queueJobKey(key: QueueKey): string {
  return `webhooks:${createHash('sha256').update(`${key.subscriptionId}\0${key.entityKey}`).digest('hex').slice(0, 32)}`;
}

/**
 * The job that delivers one queue's changes in order: it claims the oldest pending delivery,
 * sends it, records the result, and goes on to the next while they succeed. A failed attempt
 * leaves the delivery at the head with its next attempt pushed back (capped exponential
 * backoff), so nothing behind it goes first; the sweep wakes the queue when it is due. The
 * queue's `short` policy keeps at most one waiting job per queue; two jobs running for one
 * queue are harmless, as only one of them can claim its head.
 */
export function createDeliverJob(deps: {
  queue: DeliveryQueue;
  keyring: Keyring;
  allowed: AllowedHosts;
  lookup: LookupAddresses;
  metrics: WebhookMetrics;
  timing: DeliveryTiming;
  jobs: () => JobRunner;
  logger: Logger;
  concurrency?: number;
  batchSize?: number;
}): JobDefinition<DeliverData> {
  const { queue, timing, metrics } = deps;

  async function attempt(claim: ClaimedDelivery, logger: Logger): Promise<AttemptResult> {
    const failure = (code: string, message: string, status?: number): AttemptResult => ({ ok: false, status, code, message, retryInMs: backoffDelayMs(claim.attempts, timing.backoff) });
    try {
      const secret = openSecret(deps.keyring, claim.sealedSecret, secretContextOf(claim.subscriptionId));
      const url = new URL(claim.url);
      // Checked again on every attempt: DNS may have changed since the subscription was made.
      const destination = await resolveDestination(url, { allowed: deps.allowed, lookup: deps.lookup });
      const headers = { 'content-type': 'application/json', 'user-agent': 'feishu-gateway-webhooks/1', ...signWebhook(secret, claim.messageId, new Date(), claim.payload) };
      const { status } = await postWebhook({ url, destination, headers, body: claim.payload, timeoutMs: timing.attemptTimeoutMs });
      if (status >= 200 && status < 300) return { ok: true, status };
      return failure('webhooks.delivery_failed', status >= 300 && status < 400 ? `Answered HTTP ${status}; redirects are not followed.` : `Answered HTTP ${status}.`, status);
    } catch (error) {
      if (isGatewayError(error)) return failure(error.code, error.message);
      // Still a failed attempt, retried like the others; the log has the details.
      logger.error({ err: error, deliveryId: claim.id }, 'unexpected error in a webhook delivery attempt');
      return failure('internal.unexpected', 'Unexpected error in the gateway; its log has the details.');
    }
  }

  const deliverJob: JobDefinition<DeliverData> = defineJob<DeliverData>({
    name: DELIVER_JOB_NAME,
    policy: 'short',
    // Delivery retries live in the deliveries table; a job fails only when the database does,
    // and the sweep wakes the queue again anyway.
    retryLimit: 3,
    retryDelaySeconds: 5,
    expireInSeconds: Math.ceil((timing.runBudgetMs + timing.attemptTimeoutMs) / 1000) + 60,
    concurrency: deps.concurrency ?? 4,
    batchSize: deps.batchSize ?? 4,
    handler: async (key, context) => {
      const deadline = Date.now() + timing.runBudgetMs;
      for (;;) {
        if (context.signal.aborted) return;
        if (Date.now() > deadline) {
          await deps.jobs().enqueue(deliverJob, key, { singletonKey: queueJobKey(key) });
          return;
        }
        const claim = await queue.claimHead(key, timing.leaseMs);
        if (claim === undefined) return;
        const started = performance.now();
        const result = await attempt(claim, context.logger);
        const outcome = result.ok ? 'delivered' : attemptOutcomeOf(result.code, result.status);
        metrics.attempts.inc({ outcome });
        metrics.attemptDuration.observe({ outcome }, (performance.now() - started) / 1000);
        const status = await queue.settle(claim, result, timing.retryWindowMs);
        const facts = { subscriptionId: claim.subscriptionId, deliveryId: claim.id, eventType: claim.eventType, attempt: claim.attempts };
        if (status === 'delivered') {
          metrics.deliveries.inc({ outcome: 'delivered' });
          metrics.latency.observe((Date.now() - claim.createdAt.getTime()) / 1000);
          context.logger.debug(facts, 'webhook delivered');
          continue;
        }
        if (!result.ok) context.logger.warn({ ...facts, code: result.code, status: result.status, final: status === 'failed' }, status === 'failed' ? 'webhook delivery failed for good' : 'webhook delivery attempt failed; will retry');
        if (status === 'failed') {
          metrics.deliveries.inc({ outcome: 'failed' });
          continue;
        }
        // Pending again, in backoff (the sweep wakes the queue when it is due), or the claim
        // was taken over by another worker after its lease ran out: either way, stop here.
        return;
      }
    },
  });
  return deliverJob;
}
