import type { Logger } from '../log/index.ts';

export type JobContext = {
  readonly id: string;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  /** Aborted when the runner begins to stop; long handlers should wind down and throw. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
};

export type JobDefinition<Data> = {
  /** Queue name: letters, digits, `.`, `_` and `-`, for example `events.dispatch`. */
  readonly name: string;
  readonly handler: (data: Data, context: JobContext) => Promise<void>;
  /** Retries after the first attempt before the job is dead-lettered. Default 5. */
  readonly retryLimit?: number;
  /** First retry delay; doubles per attempt with jitter when `retryBackoff` is on. Default 5 s. */
  readonly retryDelaySeconds?: number;
  /** Default true. */
  readonly retryBackoff?: boolean;
  /** Cap of the backoff. Default 600 s. */
  readonly retryDelayMaxSeconds?: number;
  /** Lease: a job running longer than this is failed and retried elsewhere. Default 900 s. */
  readonly expireInSeconds?: number;
  /**
   * What a singleton key guarantees (fixed when the queue is first created):
   * `standard` — nothing, keys are ignored (default); `short` — at most one queued job per key;
   * `singleton` — at most one running job per key, the others wait (one entity at a time);
   * `stately` — at most one queued and one running per key; `exclusive` — at most one queued
   * or running per key. A suppressed enqueue returns null.
   */
  readonly policy?: 'standard' | 'short' | 'singleton' | 'stately' | 'exclusive';
  /** Workers of this kind in one instance. Default 1. */
  readonly concurrency?: number;
  /**
   * Jobs each worker fetches at once (default 1). Each still runs through `handler` on its own
   * and succeeds or fails on its own; the batch shares the fetch and the completion queries,
   * which is most of the queue's cost for short jobs. Under a `singleton` policy one batch never
   * holds two jobs with the same key.
   */
  readonly batchSize?: number;
};

/**
 * Declares a kind of background job. The definition is passed to `createJobRunner` to be worked,
 * and to `enqueue` so that the data's type is checked at the call site.
 *
 * @example
 * export const dispatchEvent = defineJob<{ eventId: string }>({
 *   name: 'events.dispatch',
 *   retryLimit: 8,
 *   handler: async ({ eventId }, { logger }) => { … },
 * });
 */
export function defineJob<Data>(definition: JobDefinition<Data>): JobDefinition<Data> {
  if (!/^[A-Za-z][\w.-]*$/.test(definition.name)) throw new TypeError(`invalid job name "${definition.name}"`);
  return definition;
}

/** The queue that receives jobs of `name` whose retries are exhausted. */
export function deadLetterQueueOf(name: string): string {
  return `${name}.dead`;
}
