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
import { createEventRegistry } from './event-registry.ts';
import { createEventReplay, inboxOrderingKeys, replayCriteriaSchema, REPLAY_LIMIT, type ReplayEvents } from './replay-events.ts';
import { until } from '../../test/support/until.ts';

describe.each(backends)('event replay on $name', (backend) => {
  let opened: TestDatabase | undefined;
  let runner: JobRunner | undefined;
  afterEach(async () => {
    await runner?.stop({ timeoutMs: 1_000 });
    await opened?.cleanup();
    runner = undefined;
    opened = undefined;
  });

  /** A real inbox and dispatch job whose handlers fail while `failing` is true, with no retries. */
  async function setUp() {
    opened = await backend.open();
    const { database } = opened;
    await runMigrations(database);
    const state = { failing: true, calls: [] as string[] };
    const registry = createEventRegistry();
    for (const type of ['test.a', 'test.b']) {
      registry.on(
        type,
        async (event) => {
          state.calls.push(event.eventId);
          if (state.failing) throw new Error(`handler down for ${event.eventId}`);
        },
        { orderingKey: (event) => String((event.payload as { n?: number }).n ?? '') },
      );
    }
    const dispatchJob = createDispatchJob({ inbox: () => inbox, registry, metrics: createEventMetrics(new Registry()), retryLimit: 0, retryDelaySeconds: 1 });
    const inbox: EventInbox = createEventInbox({ database, keyring: createKeyring([randomBytes(32).toString('base64')]), jobs: () => started, dispatchJob });
    const started = createJobRunner({ database, logger: createTestLogger({ level: 'fatal' }).logger, jobs: [dispatchJob], pollingIntervalSeconds: 0.5 });
    runner = started;
    await started.start();
    const replay: ReplayEvents = createEventReplay({ database, jobs: () => started, dispatchJob, orderingKeyOf: inboxOrderingKeys(inbox, registry) });

    const accept = async (eventType: string, receivedAt: Date) => {
      const eventId = `ev-${randomBytes(4).toString('hex')}`;
      const { id } = await inbox.accept({ connection: 'default', eventId, eventType, schema: '2.0', tenantKey: undefined, createdAt: receivedAt, receivedAt, transport: 'http', payload: { n: 1 } }, undefined);
      return id ?? '';
    };
    const status = async (id: string) => (await database.kysely.selectFrom('event_inbox').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow()).status;
    const settledAs = async (id: string, wanted: string) => await until(async () => ((await status(id)) === wanted ? true : undefined));
    return { database, state, accept, status, settledAs, replay, inbox, registry };
  }

  it('replays a dead event by id: the handler that failed now succeeds and the event is handled', async () => {
    const { state, accept, settledAs, replay, database, inbox, registry } = await setUp();
    const id = await accept('test.a', new Date());
    await settledAs(id, 'dead');

    state.failing = false;
    expect(await replay({ ids: [id] })).toEqual({ replayed: 1 });
    await settledAs(id, 'handled');
    const row = await database.kysely.selectFrom('event_inbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'handled', attempts: 2, last_error: null });
    expect(state.calls).toHaveLength(2);
    // The replayed job keeps the entity's ordering key, like the original would have.
    const jobs = await sql<{ singleton_key: string | null }>`select singleton_key from pgboss.job where name = 'events.dispatch' and data->>'inboxId' = ${id} order by created_on`.execute(database.kysely);
    const event = await inbox.load(id);
    expect(jobs.rows.at(-1)?.singleton_key).toBe(event === undefined ? 'missing' : registry.orderingKeyOf(event));
    expect(jobs.rows.at(-1)?.singleton_key).toMatch(/^key:[0-9a-f]{64}$/);
  });

  it('replays by type and time range, and only the events that match', async () => {
    const { state, accept, settledAs, status, replay } = await setUp();
    const hour = 60 * 60_000;
    const now = Date.now();
    const old = await accept('test.a', new Date(now - 3 * hour));
    const inRange = await accept('test.a', new Date(now - 2 * hour));
    const atUntil = await accept('test.a', new Date(now - hour));
    const otherType = await accept('test.b', new Date(now - 2 * hour));
    for (const id of [old, inRange, atUntil, otherType]) await settledAs(id, 'dead');

    state.failing = false;
    const result = await replay({ type: 'test.a', since: new Date(now - 2.5 * hour), until: new Date(now - hour) });
    expect(result).toEqual({ replayed: 1 });
    await settledAs(inRange, 'handled');
    for (const id of [old, atUntil, otherType]) expect(await status(id)).toBe('dead');
  });

  it('replays dead events by status, leaves handled ones alone, and never replays a pending event', async () => {
    const { state, accept, settledAs, status, replay, database } = await setUp();
    const dead = await accept('test.a', new Date());
    await settledAs(dead, 'dead');
    state.failing = false;
    const handled = await accept('test.a', new Date());
    await settledAs(handled, 'handled');
    // An event whose dispatch job is still on its way.
    await database.kysely.updateTable('event_inbox').set({ status: 'pending' }).where('id', '=', handled).execute();

    expect(await replay({ ids: [handled] })).toEqual({ replayed: 0 });
    expect(await replay({ status: 'dead' })).toEqual({ replayed: 1 });
    await settledAs(dead, 'handled');
    expect(await status(handled)).toBe('pending');
    expect(await replay({ ids: ['999999'] })).toEqual({ replayed: 0 });
  });

  it(`refuses a replay that matches more than ${REPLAY_LIMIT} events, replaying none`, async () => {
    const { replay, database } = await setUp();
    await sql`
      insert into event_inbox (connection, event_id, event_type, schema, created_at, transport, sealed_payload, status)
      select 'default', 'bulk-' || n, 'test.bulk', '2.0', now(), 'http', 'x', 'dead' from generate_series(1, ${REPLAY_LIMIT + 1}) as n
    `.execute(database.kysely);

    await expect(replay({ type: 'test.bulk' })).rejects.toMatchObject({ code: 'events.replay_too_large' });
    const pending = await database.kysely.selectFrom('event_inbox').select(database.kysely.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(0);
  });
});

describe('replay criteria', () => {
  it.each([
    [{}, 'give ids, or at least one of type'],
    [{ ids: [] }, 'needs at least one id'],
    [{ ids: ['1'], type: 'x' }, 'not both'],
    [{ ids: ['abc'] }, 'must be an event id'],
    [{ status: 'pending' }, 'pending events are not replayed'],
    [{ since: '2025-01-01' }, 'ISO 8601 time with a zone'],
    [{ since: '2025-01-01T00:00:00' }, 'ISO 8601 time with a zone'],
    [{ type: 'x', extra: 1 }, 'Unrecognized key'],
  ])('refuses %j', (input, message) => {
    const parsed = replayCriteriaSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it('turns times into dates and keeps only the given filters', () => {
    expect(replayCriteriaSchema.parse({ type: 'a', since: '2025-01-31T09:00:00+08:00' })).toEqual({ type: 'a', since: new Date('2025-01-31T01:00:00Z') });
    expect(replayCriteriaSchema.parse({ ids: ['1', '22'] })).toEqual({ ids: ['1', '22'] });
  });
});
