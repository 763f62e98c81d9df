import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database, DbTransaction } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { deadLetterQueueOf, type JobDefinition } from './define-job.ts';

export type EnqueueOptions = {
  /** At most one queued job per key: a second enqueue with the same key is dropped (returns null). */
  readonly singletonKey?: string;
  /** Run no earlier than this. */
  readonly startAfter?: Date;
  /** Enqueue inside the caller's transaction: the job exists only if that transaction commits. */
  readonly transaction?: DbTransaction;
};

export type JobRunner = {
  start(): Promise<void>;
  /** Stops fetching; waits up to `timeoutMs` for running jobs, then releases the rest for retry. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  isRunning(): boolean;
  /** @returns the job id, or null when a singleton key suppressed it. */
  enqueue<Data extends object>(job: JobDefinition<Data>, data: Data, options?: EnqueueOptions): Promise<string | null>;
  /**
   * Enqueues many jobs in one statement (inside `transaction` when given): the way to add a job
   * per row of a batch. Singleton keys apply as in `enqueue`; no ids are returned.
   */
  enqueueMany<Data extends object>(job: JobDefinition<Data>, jobs: readonly { data: Data; singletonKey?: string }[], options?: { transaction?: DbTransaction }): Promise<void>;
  /** Wakes this instance's workers of `job` now, e.g. after committing a transaction that enqueued some. */
  wake(job: JobDefinition<never>): void;
};

export type CreateJobRunnerOptions = {
  readonly database: Database;
  readonly logger: Logger;
  readonly jobs: readonly JobDefinition<never>[];
  /** How often an idle worker looks for work. Default 1 s (pg-boss's minimum is 0.5 s). */
  readonly pollingIntervalSeconds?: number;
  /**
   * False for a runner that only enqueues (a command-line tool): no workers, and queues are left
   * as the gateway that works them set them up. Their queues must exist when it starts (pg-boss
   * reads them then; on PGlite a queue it has not seen cannot be looked up inside a transaction).
   * Default true.
   */
  readonly work?: boolean;
};

/**
 * The job runner every capability shares: pg-boss on the gateway's own database (PostgreSQL or
 * PGlite alike, through pg-boss's `db.executeSql` adapter). Each job kind gets a queue with its
 * retry policy and a dead-letter queue; several gateway instances share the work.
 */
export function createJobRunner(options: CreateJobRunnerOptions): JobRunner {
  const { database, logger } = options;
  const definitions = new Map(options.jobs.map((job) => [job.name, job]));
  // pg-boss notices a job whose lease ran out (its worker crashed) when it next supervises;
  // by default once a minute. Look at least twice per shortest lease, so work held by a killed
  // instance comes back soon after its lease ends.
  const shortestLease = Math.min(...options.jobs.map((job) => job.expireInSeconds ?? 900));
  const superviseSeconds = Math.max(1, Math.min(60, Math.floor(shortestLease / 2)));
  const boss = new PgBoss({
    db: { executeSql: async (text, values) => unwrap(await database.executeSql(text, values)) },
    // Cron scheduling is not used yet; the runner only needs queues, retries and supervision.
    schedule: false,
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job runner error'));
  let running = false;
  let stopping = new AbortController();
  const workerIds = new Map<string, string[]>();

  async function work(job: JobDefinition<never>): Promise<void> {
    const retryBackoff = job.retryBackoff ?? true;
    const queueOptions = {
      retryLimit: job.retryLimit ?? 5,
      retryDelay: job.retryDelaySeconds ?? 5,
      retryBackoff,
      // pg-boss accepts a cap only together with backoff.
      ...(retryBackoff ? { retryDelayMax: job.retryDelayMaxSeconds ?? 600 } : {}),
      expireInSeconds: job.expireInSeconds ?? 900,
      deadLetter: deadLetterQueueOf(job.name),
    };
    await boss.createQueue(deadLetterQueueOf(job.name));
    const existing = await boss.getQueue(job.name);
    if (existing === null) {
      await boss.createQueue(job.name, { ...queueOptions, policy: job.policy ?? 'standard' });
    } else {
      await boss.updateQueue(job.name, queueOptions);
      if (existing.policy !== (job.policy ?? 'standard')) {
        logger.warn({ job: job.name, existing: existing.policy, wanted: job.policy ?? 'standard' }, 'queue policy cannot change after creation; keeping the existing one');
      }
    }

    const ids: string[] = [];
    for (let slot = 0; slot < (job.concurrency ?? 1); slot += 1) {
      ids.push(
        await boss.work<never>(job.name, { batchSize: job.batchSize ?? 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async (batch) => {
          const outcomes = await Promise.all(batch.map(async (metadata) => await runOne(job, metadata)));
          // Jobs that failed are failed one by one (each with its error, so each is retried or
          // dead-lettered on its own); pg-boss then completes the batch, which only touches the
          // jobs still running, the ones that succeeded.
          for (const [index, outcome] of outcomes.entries()) {
            const metadata = batch[index];
            if (outcome !== undefined && metadata !== undefined) await boss.fail(job.name, metadata.id, { message: outcome.message });
          }
          // pg-boss waits a polling interval before the next fetch even after a batch; with a
          // backlog that caps a worker at one batch per interval. There may be more: look now.
          for (const workerId of workerIds.get(job.name) ?? []) boss.notifyWorker(workerId);
        }),
      );
    }
    workerIds.set(job.name, ids);
  }

  /** Runs one job's handler; resolves with its error when it failed. */
  async function runOne(job: JobDefinition<never>, metadata: PgBoss.JobWithMetadata<never>): Promise<Error | undefined> {
    const jobLogger = logger.child({ job: job.name, jobId: metadata.id });
    const context = { id: metadata.id, attempt: metadata.retryCount + 1, signal: stopping.signal, logger: jobLogger };
    try {
      await job.handler(metadata.data, context);
      return undefined;
    } catch (error) {
      const final = metadata.retryCount >= metadata.retryLimit;
      jobLogger.warn({ err: error, attempt: context.attempt, final }, final ? 'job failed; moved to dead letters' : 'job failed; will retry');
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  function assertEnqueueable(job: JobDefinition<never>): void {
    if (definitions.get(job.name) !== job) {
      throw new GatewayError('jobs.unknown_job', `job "${job.name}" is not registered with the job runner`);
    }
    if (!running) throw new GatewayError('jobs.not_running', 'the job runner is not running');
  }

  return {
    async start() {
      if (running) return;
      stopping = new AbortController();
      await boss.start();
      if (options.work !== false) for (const job of definitions.values()) await work(job);
      running = true;
    },

    async stop({ timeoutMs = 8_000 } = {}) {
      if (!running) return;
      running = false;
      stopping.abort();
      // pg-boss waits for running handlers until the timeout, then fails the ones still running
      // so they are retried (by this or another instance) instead of waiting for their lease.
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },

    isRunning: () => running,

    wake(job) {
      for (const workerId of workerIds.get(job.name) ?? []) boss.notifyWorker(workerId);
    },

    async enqueue(job, data, enqueueOptions = {}) {
      assertEnqueueable(job);
      const { transaction } = enqueueOptions;
      const id = await boss.send(job.name, data, {
        ...(enqueueOptions.singletonKey === undefined ? {} : { singletonKey: enqueueOptions.singletonKey }),
        ...(enqueueOptions.startAfter === undefined ? {} : { startAfter: enqueueOptions.startAfter }),
        ...inTransaction(transaction),
      });
      // Outside a transaction the job is visible now: wake a local worker instead of waiting for its poll.
      if (transaction === undefined && id !== null) for (const workerId of workerIds.get(job.name) ?? []) boss.notifyWorker(workerId);
      return id;
    },

    async enqueueMany(job, jobs, { transaction } = {}) {
      assertEnqueueable(job);
      if (jobs.length === 0) return;
      await boss.insert(
        job.name,
        jobs.map((entry) => ({ name: job.name, data: entry.data, ...(entry.singletonKey === undefined ? {} : { singletonKey: entry.singletonKey }) })),
        inTransaction(transaction),
      );
      if (transaction === undefined) for (const workerId of workerIds.get(job.name) ?? []) boss.notifyWorker(workerId);
    },
  };
}

/** pg-boss's per-call connection option that runs its SQL in the caller's transaction. */
function inTransaction(transaction: DbTransaction | undefined): { db?: { executeSql: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }> } } {
  return transaction === undefined ? {} : { db: { executeSql: async (text, values) => await executeIn(transaction, text, values) } };
}

async function executeIn(transaction: DbTransaction, text: string, values: unknown[]): Promise<{ rows: unknown[] }> {
  const result = await transaction.executeQuery(CompiledQuery.raw(text, values));
  return { rows: [...result.rows] };
}

function unwrap(result: { rows: unknown[] } | { rows: unknown[] }[]): { rows: unknown[] } {
  return Array.isArray(result) ? { rows: result.flatMap((item) => item.rows) } : result;
}
