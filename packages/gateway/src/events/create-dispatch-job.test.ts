import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { runMigrations } from '../db/index.ts';
import { createJobRunner, type JobRunner } from '../jobs/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { createDispatchJob } from './create-dispatch-job.ts';
import { createEventInbox, type EventInbox } from './create-event-inbox.ts';
import { createEventMetrics } from './create-event-metrics.ts';
import { createEventRegistry, type EventHandler, type TransactionalEventHandler } from './event-registry.ts';
import { until } from '../../test/support/until.ts';

describe.each(backends)('event dispatch on $name', (backend) => {
  let opened: TestDatabase | undefined;
  let runner: JobRunner | undefined;
  afterEach(async () => {
    await runner?.stop({ timeoutMs: 1_000 });
    await opened?.cleanup();
    runner = undefined;
    opened = undefined;
  });

  async function setUp(handler: EventHandler | { transactional: TransactionalEventHandler }, retryLimit: number) {
    opened = await backend.open();
    await runMigrations(opened.database);
    // Where transactional handlers write.
    await sql`create table dispatch_test_writes (event_id text not null, attempt integer not null)`.execute(opened.database.kysely);
    const registry = createEventRegistry();
    if (typeof handler === 'function') registry.on('test.event', handler);
    else registry.onInTransaction('test.event', handler.transactional);
    const metrics = createEventMetrics(new Registry());
    const dispatchJob = createDispatchJob({ inbox: () => inbox, registry, metrics, retryLimit, retryDelaySeconds: 1 });
    const inbox: EventInbox = createEventInbox({ database: opened.database, keyring: createKeyring([randomBytes(32).toString('base64')]), jobs: () => started, dispatchJob });
    const started = createJobRunner({ database: opened.database, logger: createTestLogger({ level: 'fatal' }).logger, jobs: [dispatchJob], pollingIntervalSeconds: 0.5 });
    runner = started;
    await started.start();
    const now = new Date();
    const { id } = await inbox.accept({ connection: 'default', eventId: `ev-${randomBytes(4).toString('hex')}`, eventType: 'test.event', schema: '2.0', tenantKey: undefined, createdAt: now, receivedAt: now, transport: 'http', payload: { n: 1 } }, undefined);
    const row = async () => await opened!.database.kysely.selectFrom('event_inbox').selectAll().where('id', '=', id ?? '').executeTakeFirstOrThrow();
    return { metrics, row, database: opened.database };
  }

  it('retries a failing handler and records the event as handled once it succeeds', async () => {
    let calls = 0;
    const { row } = await setUp(async () => {
      calls += 1;
      if (calls <= 2) throw new Error(`attempt ${calls} fails`);
    }, 5);
    const settled = await until(async () => {
      const current = await row();
      return current.status === 'handled' ? current : undefined;
    });
    expect(calls).toBe(3);
    expect(settled).toMatchObject({ status: 'handled', attempts: 3, last_error: null });
  }, 30_000);

  it('marks the event dead once the retries are spent', async () => {
    const { row, metrics } = await setUp(async () => {
      throw new Error('always fails');
    }, 1);
    const dead = await until(async () => {
      const current = await row();
      return current.status === 'dead' ? current : undefined;
    });
    expect(dead).toMatchObject({ attempts: 2, last_error: 'always fails' });
    expect((await metrics.dead.get()).values[0]?.value).toBe(1);
  }, 30_000);

  it('commits a transactional handler\'s writes with the handled mark, and rolls them back when it fails', async () => {
    let calls = 0;
    const { row, database } = await setUp(
      {
        transactional: async (event, transaction) => {
          calls += 1;
          await sql`insert into dispatch_test_writes (event_id, attempt) values (${event.eventId}, ${calls})`.execute(transaction);
          // The first attempt wrote its row, then fails: the write must not survive.
          if (calls === 1) throw new Error('fails after writing');
        },
      },
      5,
    );
    const settled = await until(async () => {
      const current = await row();
      return current.status === 'handled' ? current : undefined;
    });
    expect(calls).toBe(2);
    expect(settled).toMatchObject({ status: 'handled', attempts: 2, last_error: null });
    const writes = await sql<{ attempt: number }>`select attempt from dispatch_test_writes`.execute(database.kysely);
    expect(writes.rows.map((write) => write.attempt)).toEqual([2]);
  }, 30_000);
});
