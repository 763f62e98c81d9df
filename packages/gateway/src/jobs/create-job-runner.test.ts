import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigrations, type Database } from '../db/index.ts';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { createJobRunner, type JobRunner } from './create-job-runner.ts';
import { defineJob, type JobDefinition } from './define-job.ts';

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

async function jobStates(database: Database, name: string): Promise<string[]> {
  const result = await database.executeSql('select state from pgboss.job where name = $1 order by created_on', [name]);
  const rows = (Array.isArray(result) ? result.flatMap((item) => item.rows) : result.rows) as { state: string }[];
  return rows.map((row) => row.state);
}

describe.each(backends)('job runner on $name', (backend) => {
  let opened: TestDatabase | undefined;
  let runner: JobRunner | undefined;

  afterEach(async () => {
    await runner?.stop({ timeoutMs: 1_000 });
    await opened?.cleanup();
    runner = undefined;
    opened = undefined;
  });

  async function start(jobs: JobDefinition<never>[]) {
    opened = await backend.open();
    await runMigrations(opened.database);
    runner = createJobRunner({ database: opened.database, logger: createTestLogger().logger, jobs, pollingIntervalSeconds: 0.5 });
    await runner.start();
    return { runner, database: opened.database };
  }

  it('runs a job with its data and reports the attempt number', async () => {
    const seen: { data: { n: number }; attempt: number }[] = [];
    const job = defineJob<{ n: number }>({ name: 'test.echo', handler: async (data, { attempt }) => void seen.push({ data, attempt }) });
    const { runner } = await start([job]);

    expect(await runner.enqueue(job, { n: 42 })).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([{ data: { n: 42 }, attempt: 1 }]);
  });

  it('retries a failing job and completes it when a later attempt succeeds', async () => {
    const attempts: number[] = [];
    const job = defineJob<{ n: number }>({
      name: 'test.flaky',
      retryLimit: 3,
      retryDelaySeconds: 0,
      retryBackoff: false,
      handler: async (_data, { attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error('transient');
      },
    });
    const { runner, database } = await start([job]);
    await runner.enqueue(job, { n: 1 });
    await waitFor(async () => (await jobStates(database, 'test.flaky')).includes('completed'));
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('moves a job to its dead-letter queue once its retries are exhausted', async () => {
    let calls = 0;
    const job = defineJob<{ n: number }>({
      name: 'test.doomed',
      retryLimit: 1,
      retryDelaySeconds: 0,
      retryBackoff: false,
      handler: async () => {
        calls += 1;
        throw new Error('always fails');
      },
    });
    const { runner, database } = await start([job]);
    await runner.enqueue(job, { n: 7 });
    await waitFor(async () => (await jobStates(database, 'test.doomed.dead')).length === 1);
    expect(await jobStates(database, 'test.doomed')).toEqual(['failed']);
    expect(calls).toBe(2);
  });

  it('enqueues inside a caller transaction: nothing on rollback, the job on commit', async () => {
    const seen: string[] = [];
    const job = defineJob<{ tag: string }>({ name: 'test.transactional', handler: async ({ tag }) => void seen.push(tag) });
    const { runner, database } = await start([job]);

    await expect(
      database.kysely.transaction().execute(async (transaction) => {
        await runner.enqueue(job, { tag: 'rolled-back' }, { transaction });
        throw new Error('abort the transaction');
      }),
    ).rejects.toThrow('abort the transaction');
    await database.kysely.transaction().execute(async (transaction) => {
      await runner.enqueue(job, { tag: 'committed' }, { transaction });
    });

    await waitFor(() => seen.length === 1);
    await sleep(1_200);
    expect(seen).toEqual(['committed']);
    expect(await jobStates(database, 'test.transactional')).toEqual(['completed']);
  });

  it('keeps at most one queued job per singleton key under the exclusive policy', async () => {
    const job = defineJob<{ n: number }>({ name: 'test.singleton', policy: 'exclusive', handler: async () => {} });
    const { runner } = await start([]);
    const other = createJobRunner({ database: opened!.database, logger: createTestLogger().logger, jobs: [job], pollingIntervalSeconds: 60 });
    await other.start();
    try {
      // The worker polls once a minute, so both sends find the first job still queued.
      const first = await other.enqueue(job, { n: 1 }, { singletonKey: 'sync:tenant-1', startAfter: new Date(Date.now() + 60_000) });
      const second = await other.enqueue(job, { n: 2 }, { singletonKey: 'sync:tenant-1', startAfter: new Date(Date.now() + 60_000) });
      const third = await other.enqueue(job, { n: 3 }, { singletonKey: 'sync:tenant-2', startAfter: new Date(Date.now() + 60_000) });
      expect(first).not.toBeNull();
      expect(second).toBeNull();
      expect(third).not.toBeNull();
    } finally {
      await other.stop({ timeoutMs: 1_000 });
    }
    expect(runner.isRunning()).toBe(true);
  });

  it('lets a running job finish when stopping, and releases one that outlasts the timeout', async () => {
    const finished: string[] = [];
    let aborted = false;
    const quick = defineJob<{ n: number }>({
      name: 'test.quick',
      handler: async () => {
        await sleep(400);
        finished.push('quick');
      },
    });
    const slow = defineJob<{ n: number }>({
      name: 'test.slow',
      retryDelaySeconds: 0,
      handler: async (_data, { signal }) => {
        signal.addEventListener('abort', () => (aborted = true));
        await sleep(4_000);
        finished.push('slow');
      },
    });
    const { runner: started, database } = await start([quick, slow]);
    await started.enqueue(quick, { n: 1 });
    await started.enqueue(slow, { n: 2 });
    await waitFor(async () => (await jobStates(database, 'test.quick')).includes('active') && (await jobStates(database, 'test.slow')).includes('active'));

    await started.stop({ timeoutMs: 1_000 });
    runner = undefined;
    expect(finished).toEqual(['quick']);
    expect(aborted).toBe(true);
    expect(await jobStates(database, 'test.quick')).toEqual(['completed']);
    // Released for another attempt instead of staying "active" until its lease expires.
    expect(await jobStates(database, 'test.slow')).toEqual(['retry']);
  });

  it('refuses jobs it does not know and jobs enqueued while stopped', async () => {
    const known = defineJob<{ n: number }>({ name: 'test.known', handler: async () => {} });
    const unknown = defineJob<{ n: number }>({ name: 'test.unknown', handler: async () => {} });
    const { runner: started } = await start([known]);
    await expect(started.enqueue(unknown, { n: 1 })).rejects.toMatchObject({ code: 'jobs.unknown_job' });
    await started.stop({ timeoutMs: 1_000 });
    await expect(started.enqueue(known, { n: 1 })).rejects.toMatchObject({ code: 'jobs.not_running' });
  });
});
