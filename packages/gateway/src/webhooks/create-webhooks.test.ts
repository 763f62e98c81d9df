import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { until } from '../../test/support/until.ts';
import { runMigrations } from '../db/index.ts';
import type { DirectoryChange } from '../directory/directory-change.ts';
import { createJobRunner, type JobRunner } from '../jobs/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { createWebhooks, type Webhooks, type WebhookTiming } from './create-webhooks.ts';
import type { LookupAddresses } from './resolve-destination.ts';

type Received = {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** When the request arrived. */
  readonly at: number;
  readonly changeId: string;
  /** The status answered; 0 while undecided or when the sender had hung up by then. */
  answered: number;
};

/** A real HTTP receiver on 127.0.0.1 whose answer to each request is decided by the test. */
async function startReceiver(answer: (request: { path: string; changeId: string; body: string }) => Promise<number> | number = () => 204) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    let gone = false;
    response.on('close', () => (gone = true));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const changeId = (JSON.parse(body) as { data: { id: string } }).data.id;
      const path = request.url ?? '/';
      const entry: Received = { path, headers: request.headers, body, at: Date.now(), changeId, answered: 0 };
      received.push(entry);
      void Promise.resolve(answer({ path, changeId, body })).then((status) => {
        if (gone) return;
        entry.answered = status;
        response.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    /** Requests answered 2xx, in arrival order. */
    delivered: () => received.filter((request) => request.answered >= 200 && request.answered < 300),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let changeSequence = 0;
function change(fields: { entity?: DirectoryChange['entity']; entityId?: string; kind?: DirectoryChange['kind']; connection?: string; data?: Record<string, unknown> } = {}): DirectoryChange {
  changeSequence += 1;
  const entity = fields.entity ?? 'user';
  const kind = fields.kind ?? 'updated';
  const entityId = fields.entityId ?? 'ou_a';
  return {
    id: String(changeSequence),
    connection: fields.connection ?? 'default',
    tenantKey: 'tenant-1',
    entity,
    entityId,
    kind,
    type: `${entity}.${kind}`,
    changedFields: kind === 'updated' ? ['name'] : [],
    data: fields.data ?? { open_id: entityId, name: `Name ${changeSequence}` },
    occurredAt: new Date('2025-03-01T08:00:00.000Z'),
    source: 'event',
  };
}

// Backoff in hundreds of milliseconds instead of seconds, so that retries happen within a test.
const fastTiming: Partial<WebhookTiming> = {
  attemptTimeoutMs: 500,
  backoff: { baseMs: 200, capMs: 400 },
  leaseMs: 3_000,
  sweepIntervalMs: 100,
  subscriptionCacheMs: 60_000,
};

describe.each(backends)('change webhooks on $name', (backend) => {
  let opened: TestDatabase | undefined;
  let runner: JobRunner | undefined;
  let webhooks: Webhooks | undefined;
  const receivers: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await webhooks?.stop();
    await runner?.stop({ timeoutMs: 1_000 });
    await opened?.cleanup();
    for (const receiver of receivers.splice(0)) await receiver.close();
    webhooks = undefined;
    runner = undefined;
    opened = undefined;
  });

  async function setUp(options: { timing?: Partial<WebhookTiming>; lookup?: LookupAddresses; allowedHosts?: string[] } = {}) {
    opened = await backend.open();
    const { database } = opened;
    await runMigrations(database);
    const log = createTestLogger();
    const registry = new Registry();
    const started: Webhooks = createWebhooks({
      database,
      keyring: createKeyring([randomBytes(32).toString('base64')]),
      logger: log.logger,
      registry,
      jobs: () => jobs,
      allowedHosts: options.allowedHosts ?? ['127.0.0.1'],
      timing: { ...fastTiming, ...options.timing },
      concurrency: 2,
      batchSize: 4,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    });
    const jobs = createJobRunner({ database, logger: log.logger, jobs: [...started.jobs], pollingIntervalSeconds: 0.5 });
    await jobs.start();
    started.start();
    runner = jobs;
    webhooks = started;
    /** Records changes as the directory does: in one transaction, then wakes the workers. */
    const publish = async (...changes: DirectoryChange[]) => {
      await database.kysely.transaction().execute(async (transaction) => {
        for (const each of changes) await started.onDirectoryChanges(transaction, [each]);
      });
      jobs.wake(started.deliverJob);
    };
    return { database, webhooks: started, publish, log, registry };
  }

  async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  it('delivers a change that verifies with the standardwebhooks package, and a tampered body does not', async () => {
    const { webhooks, publish, log } = await setUp();
    const hook = await receiver();
    const { subscription, secret } = await webhooks.subscriptions.create({ url: hook.url(), events: ['user.*'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const sent = change({ kind: 'updated', data: { open_id: 'ou_a', name: 'Zhang San', email: 'zhang@example.com' } });
    await publish(sent);
    const [request] = await until(() => (hook.delivered().length === 1 ? hook.delivered() : undefined));
    const headers = { 'webhook-id': String(request?.headers['webhook-id']), 'webhook-timestamp': String(request?.headers['webhook-timestamp']), 'webhook-signature': String(request?.headers['webhook-signature']) };

    expect(request?.headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(`msg_dirchg_${sent.id}`);
    expect(new Webhook(secret).verify(request?.body ?? '', headers)).toEqual({
      type: 'user.updated',
      timestamp: '2025-03-01T08:00:00.000Z',
      data: {
        id: sent.id,
        connection: 'default',
        tenant_key: 'tenant-1',
        entity: 'user',
        entity_id: 'ou_a',
        kind: 'updated',
        changed_fields: ['name'],
        occurred_at: '2025-03-01T08:00:00.000Z',
        source: 'event',
        object: { open_id: 'ou_a', name: 'Zhang San', email: 'zhang@example.com' },
      },
    });
    const tampered = (request?.body ?? '').replace('Zhang San', 'Zhang Sam');
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(request?.body ?? '', headers)).toThrow('No matching signature found');

    const delivery = await until(async () => {
      const [row] = await webhooks.subscriptions.deliveries(subscription.id, { limit: 10 });
      return row?.status === 'pending' ? undefined : row;
    });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204, lastError: undefined, eventType: 'user.updated', changeId: sent.id });
    expect(delivery?.finishedAt).toBeInstanceOf(Date);
    expect(log.text()).not.toContain(secret.slice(6, 30));
  });

  it('retries with backoff after a 500 and a timeout, with the same webhook-id, then succeeds', async () => {
    const { webhooks, publish, registry } = await setUp();
    let calls = 0;
    const hook = await receiver(async () => {
      calls += 1;
      if (calls === 1) return 500;
      // Longer than the 500 ms attempt timeout.
      if (calls === 2) await sleep(1_200);
      return 200;
    });
    const { subscription } = await webhooks.subscriptions.create({ url: hook.url(), events: ['*'] });
    await publish(change());

    await until(() => (hook.delivered().length === 1 && hook.received.length === 3 ? true : undefined));
    const ids = new Set(hook.received.map((request) => request.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect(hook.received.map((request) => request.answered)).toEqual([500, 0, 200]);
    const [first, second, third] = hook.received.map((request) => request.at);
    // Backoff: at least 3/4 of 200 ms after the first failure, 3/4 of 400 ms after the second
    // (which itself took the 500 ms timeout).
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(150);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(500 + 300);

    const delivery = await until(async () => {
      const [row] = await webhooks.subscriptions.deliveries(subscription.id, { limit: 1 });
      return row?.status === 'delivered' ? row : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 3, lastStatus: 200, lastError: undefined });
    const attempts = (outcome: string) => metricValue(registry, 'webhook_delivery_attempts_total', { outcome });
    expect([await attempts('http_error'), await attempts('timeout'), await attempts('delivered')]).toEqual([1, 1, 1]);
    expect(await metricValue(registry, 'webhook_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(await metricValue(registry, 'webhook_delivery_seconds_count', {})).toBe(1);
  });

  it('keeps one entity in order while its first change is retried, and lets other entities through', async () => {
    // Retries a second apart, so that later changes arrive while the first one waits.
    const { webhooks, publish } = await setUp({ timing: { backoff: { baseMs: 1_000, capMs: 1_000 } } });
    const a1 = change({ entityId: 'ou_a' });
    let a1Failures = 0;
    const hook = await receiver((request) => {
      if (request.changeId === a1.id && a1Failures < 2) {
        a1Failures += 1;
        return 503;
      }
      return 200;
    });
    const { subscription } = await webhooks.subscriptions.create({ url: hook.url(), events: ['user.*'] });
    const a2 = change({ entityId: 'ou_a' });
    const b1 = change({ entityId: 'ou_b' });
    await publish(a1, a2, b1);
    // A's queue is woken by the next change while its head is in backoff.
    await until(async () => (a1Failures === 1 && (await webhooks.subscriptions.deliveries(subscription.id, { limit: 10 })).some((delivery) => delivery.lastStatus === 503) ? true : undefined));
    const b2 = change({ entityId: 'ou_b' });
    const a3 = change({ entityId: 'ou_a', kind: 'deactivated' });
    await publish(b2, a3);

    await until(() => (hook.delivered().length === 5 ? true : undefined));
    const order = (entityId: string) => hook.received.filter((request) => request.body.includes(`"entity_id":"${entityId}"`)).map((request) => [request.changeId, request.answered]);
    // A: the first change three times (two refusals), and only then the later ones.
    expect(order('ou_a')).toEqual([
      [a1.id, 503],
      [a1.id, 503],
      [a1.id, 200],
      [a2.id, 200],
      [a3.id, 200],
    ]);
    expect(order('ou_b')).toEqual([
      [b1.id, 200],
      [b2.id, 200],
    ]);
    // B did not wait for A's retries.
    const a1Delivered = hook.delivered().find((request) => request.changeId === a1.id)?.at ?? 0;
    for (const id of [b1.id, b2.id]) expect(hook.delivered().find((request) => request.changeId === id)?.at).toBeLessThan(a1Delivered);
  });

  it('records a batch of changes in order, each entity in its own queue', async () => {
    const { webhooks, database } = await setUp();
    const hook = await receiver();
    const { subscription } = await webhooks.subscriptions.create({ url: hook.url(), events: ['user.*'] });
    await webhooks.subscriptions.create({ url: hook.url('/groups'), events: ['group.*'] });
    const batch = [change({ entityId: 'ou_a', kind: 'created' }), change({ entityId: 'ou_b' }), change({ entityId: 'ou_a' }), change({ entity: 'department', entityId: 'od_1' }), change({ entityId: 'ou_a', kind: 'deleted' })];
    await database.kysely.transaction().execute(async (transaction) => await webhooks.onDirectoryChanges(transaction, batch));
    runner?.wake(webhooks.deliverJob);

    await until(() => (hook.delivered().length === 4 ? true : undefined));
    const ofA = hook.delivered().filter((request) => request.body.includes('"entity_id":"ou_a"'));
    expect(ofA.map((request) => request.changeId)).toEqual([batch[0]?.id, batch[2]?.id, batch[4]?.id]);
    expect(hook.delivered().every((request) => request.path === '/hook')).toBe(true);
    const rows = await database.kysely.selectFrom('webhook_deliveries').select(['subscription_id', 'change_id']).orderBy('id').execute();
    expect(rows.map((row) => [String(row.subscription_id), row.change_id])).toEqual([0, 1, 2, 4].map((index) => [subscription.id, batch[index]?.id]));
  });

  it('gives a delivery up after the retry window, keeps it in the log, and moves on to the next', async () => {
    const { webhooks, publish } = await setUp({ timing: { retryWindowMs: 800 } });
    const doomed = change({ entityId: 'ou_a' });
    const hook = await receiver((request) => (request.changeId === doomed.id ? 500 : 200));
    const { subscription } = await webhooks.subscriptions.create({ url: hook.url(), events: ['user.updated'] });
    const next = change({ entityId: 'ou_a' });
    await publish(doomed, next);

    await until(() => (hook.delivered().length === 1 ? true : undefined));
    expect(hook.delivered()[0]?.changeId).toBe(next.id);
    const log = await until(async () => {
      const rows = await webhooks.subscriptions.deliveries(subscription.id, { limit: 10 });
      return rows.every((row) => row.status !== 'pending') ? rows : undefined;
    });
    const failed = log.find((delivery) => delivery.changeId === doomed.id);
    expect(failed).toMatchObject({ status: 'failed', lastStatus: 500, lastError: { code: 'webhooks.delivery_failed', message: 'Answered HTTP 500.' } });
    expect(failed?.attempts).toBeGreaterThanOrEqual(2);
    expect(failed?.finishedAt).toBeInstanceOf(Date);
    expect(log.find((delivery) => delivery.changeId === next.id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('sends each subscription the types and connection it asked for; a disabled or deleted one gets nothing new', async () => {
    const { webhooks, publish, database } = await setUp();
    const hook = await receiver();
    const users = (await webhooks.subscriptions.create({ url: hook.url('/users'), events: ['user.*'] })).subscription;
    const created = (await webhooks.subscriptions.create({ url: hook.url('/departments'), events: ['department.created'] })).subscription;
    const other = (await webhooks.subscriptions.create({ url: hook.url('/other'), events: ['*'], connection: 'other' })).subscription;

    const userUpdated = change({ entity: 'user', kind: 'updated' });
    const departmentCreated = change({ entity: 'department', entityId: 'od_1', kind: 'created' });
    const departmentUpdated = change({ entity: 'department', entityId: 'od_1', kind: 'updated' });
    const groupOther = change({ entity: 'group', entityId: 'g_1', kind: 'created', connection: 'other' });
    await publish(userUpdated, departmentCreated, departmentUpdated, groupOther);
    await until(() => (hook.delivered().length === 3 ? true : undefined));
    const byPath = () => hook.delivered().map((request) => [request.path, request.changeId]);
    expect(byPath().toSorted()).toEqual(
      [
        ['/departments', departmentCreated.id],
        ['/other', groupOther.id],
        ['/users', userUpdated.id],
      ].toSorted(),
    );

    await webhooks.subscriptions.setEnabled(users.id, false);
    await webhooks.subscriptions.remove(created.id);
    const marker = change({ entity: 'user', kind: 'deleted', connection: 'other' });
    await publish(change({ entity: 'user', kind: 'created' }), change({ entity: 'department', entityId: 'od_2', kind: 'created' }), marker);
    await until(() => (hook.delivered().length === 4 ? true : undefined));
    await sleep(500);
    expect(byPath().slice(3)).toEqual([['/other', marker.id]]);
    const rows = await database.kysely.selectFrom('webhook_deliveries').select(['subscription_id', 'change_id']).orderBy('id').execute();
    expect(rows.map((row) => [String(row.subscription_id), row.change_id])).toEqual([
      [users.id, userUpdated.id],
      [other.id, groupOther.id],
      [other.id, marker.id],
    ]);
    await expect(webhooks.subscriptions.get(created.id)).rejects.toMatchObject({ code: 'webhooks.not_found' });
  });

  it('records nothing when the directory transaction rolls back', async () => {
    const { webhooks, publish, database } = await setUp();
    const hook = await receiver();
    await webhooks.subscriptions.create({ url: hook.url(), events: ['*'] });
    const rolledBack = change();
    await expect(
      database.kysely.transaction().execute(async (transaction) => {
        await webhooks.onDirectoryChanges(transaction, [rolledBack]);
        throw new Error('the directory failed');
      }),
    ).rejects.toThrow('the directory failed');
    const committed = change();
    await publish(committed);

    await until(() => (hook.delivered().length === 1 ? true : undefined));
    await sleep(300);
    expect(hook.received.map((request) => request.changeId)).toEqual([committed.id]);
    expect(await database.kysely.selectFrom('webhook_deliveries').select('change_id').execute()).toEqual([{ change_id: committed.id }]);
  });

  it('checks the destination again at delivery: a name that now resolves privately is refused and logged', async () => {
    let answer = '127.0.0.1';
    const lookup: LookupAddresses = async () => [{ address: answer, family: 4 }];
    const { webhooks, publish } = await setUp({ lookup, timing: { retryWindowMs: 60_000 } });
    const hook = await receiver();
    // The receiver's name is unknown to the system's DNS: only the injected lookup can reach it.
    const { subscription } = await webhooks.subscriptions.create({ url: `http://receiver.webhooks.test:${hook.port}/hook`, events: ['*'] });
    await publish(change());
    await until(() => (hook.delivered().length === 1 ? true : undefined));
    expect(hook.received[0]?.headers.host).toBe(`receiver.webhooks.test:${hook.port}`);

    answer = '10.0.0.1';
    await publish(change({ entityId: 'ou_b' }));
    const refused = await until(async () => {
      const [latest] = await webhooks.subscriptions.deliveries(subscription.id, { limit: 1 });
      return latest?.lastError === undefined ? undefined : latest;
    });
    expect(refused).toMatchObject({ status: 'pending', lastStatus: undefined, lastError: { code: 'webhooks.destination_forbidden' } });
    expect(hook.received).toHaveLength(1);
  });

  it('does not follow a redirect, and records it as a failed attempt', async () => {
    const target = await receiver();
    const hook = await receiver(() => 307);
    const { webhooks, publish } = await setUp();
    const { subscription } = await webhooks.subscriptions.create({ url: hook.url(), events: ['*'] });
    await publish(change());
    const attempted = await until(async () => {
      const [latest] = await webhooks.subscriptions.deliveries(subscription.id, { limit: 1 });
      return latest?.lastStatus === undefined ? undefined : latest;
    });
    expect(attempted).toMatchObject({ status: 'pending', lastStatus: 307, lastError: { code: 'webhooks.delivery_failed', message: 'Answered HTTP 307; redirects are not followed.' } });
    expect(target.received).toHaveLength(0);
  });
});

/** Reads a metric's value for one label set (for a histogram, name its `_count` series). */
async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const family = name.replace(/_count$/, '');
  const metric = (await registry.getMetricsAsJSON()).find((each) => each.name === family);
  const values = (metric as { values?: { labels: Record<string, string | number>; value: number; metricName?: string }[] } | undefined)?.values ?? [];
  const value = values.find((each) => (each.metricName ?? family) === name && Object.entries(labels).every(([key, expected]) => each.labels[key] === expected));
  return value?.value ?? 0;
}
