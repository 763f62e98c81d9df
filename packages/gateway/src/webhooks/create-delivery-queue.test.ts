import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends } from '../../test/support/test-databases.ts';
import { useMigratedDatabase } from '../../test/support/use-migrated-database.ts';
import type { DirectoryChange } from '../directory/directory-change.ts';
import { createKeyring } from '../secrets/index.ts';
import { createDeliveryQueue } from './create-delivery-queue.ts';
import { createWebhookSubscriptions } from './create-webhook-subscriptions.ts';

let sequence = 0;
function change(entityId: string): DirectoryChange {
  sequence += 1;
  return { id: String(sequence), connection: 'default', tenantKey: '', entity: 'user', entityId, kind: 'updated', type: 'user.updated', changedFields: ['name'], data: { open_id: entityId }, occurredAt: new Date(), source: 'sync' };
}

describe.each(backends)('the delivery queue on $name', (backend) => {
  const openDatabase = useMigratedDatabase(backend);

  async function setUp() {
    const database = await openDatabase();
    const subscriptions = createWebhookSubscriptions({ database, keyring: createKeyring([randomBytes(32).toString('base64')]), allowedHosts: ['127.0.0.1'] });
    const queue = createDeliveryQueue(database);
    const record = async (subscriptionIds: string[], ...changes: DirectoryChange[]) =>
      await database.kysely.transaction().execute(async (transaction) => await queue.record(transaction, changes.map((each) => ({ change: each, subscriptionIds }))));
    return { database, subscriptions, queue, record };
  }

  it('hands the head of a queue to one claimant at a time, and nothing behind it until it is settled', async () => {
    const { subscriptions, queue, record } = await setUp();
    const { subscription } = await subscriptions.create({ url: 'http://127.0.0.1:9/', events: ['*'] });
    const [first, second] = [change('ou_a'), change('ou_a')];
    await record([subscription.id], first, second);
    const key = { subscriptionId: subscription.id, entityKey: 'default//user/ou_a' };

    const claims = await Promise.all([queue.claimHead(key, 60_000), queue.claimHead(key, 60_000), queue.claimHead(key, 60_000)]);
    const won = claims.filter((claim) => claim !== undefined);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ messageId: `msg_dirchg_${first.id}`, attempts: 1, url: 'http://127.0.0.1:9/' });
    // The second change waits behind the claimed first one, and the queue is not due.
    expect(await queue.claimHead(key, 60_000)).toBeUndefined();
    expect(await queue.dueQueues(10)).toEqual([]);

    // A stale result (a claim whose lease was taken over) writes nothing.
    const claim = won[0]!;
    expect(await queue.settle({ ...claim, attempts: claim.attempts + 1 }, { ok: true, status: 200 }, 60_000)).toBeUndefined();
    expect(await queue.settle(claim, { ok: true, status: 200 }, 60_000)).toBe('delivered');
    expect(await queue.dueQueues(10)).toEqual([key]);
    expect(await queue.claimHead(key, 60_000)).toMatchObject({ messageId: `msg_dirchg_${second.id}` });
  });

  it('keeps a failed head in front until it is due again, and records nothing for disabled subscriptions', async () => {
    const { subscriptions, queue, record } = await setUp();
    const { subscription } = await subscriptions.create({ url: 'http://127.0.0.1:9/', events: ['*'] });
    const { subscription: disabled } = await subscriptions.create({ url: 'http://127.0.0.1:9/', events: ['*'] });
    await subscriptions.setEnabled(disabled.id, false);
    const key = { subscriptionId: subscription.id, entityKey: 'default//user/ou_a' };
    // One queue to wake, however many of its changes the batch held.
    expect(await record([subscription.id, disabled.id], change('ou_a'), change('ou_a'))).toEqual([key]);

    const claim = await queue.claimHead(key, 60_000);
    expect(await queue.settle(claim!, { ok: false, status: 500, code: 'webhooks.delivery_failed', message: 'Answered HTTP 500.', retryInMs: 300 }, 60_000)).toBe('pending');
    expect(await queue.claimHead(key, 60_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await queue.dueQueues(10)).toEqual([key]);
    expect(await queue.claimHead(key, 60_000)).toMatchObject({ id: claim?.id, attempts: 2 });
  });

  it('purges finished deliveries past retention and pending ones of deleted subscriptions', async () => {
    const { database, subscriptions, queue, record } = await setUp();
    const { subscription } = await subscriptions.create({ url: 'http://127.0.0.1:9/', events: ['*'] });
    await record([subscription.id], change('ou_a'), change('ou_b'));
    const claim = await queue.claimHead({ subscriptionId: subscription.id, entityKey: 'default//user/ou_a' }, 60_000);
    await queue.settle(claim!, { ok: true, status: 204 }, 60_000);

    expect(await queue.purge(new Date(Date.now() - 60_000))).toBe(0);
    expect(await queue.purge(new Date(Date.now() + 1_000))).toBe(1);
    // As if recorded by a transaction that raced the delete.
    await database.kysely.deleteFrom('webhook_subscriptions').execute();
    expect(await queue.purge(new Date(0))).toBe(1);
    expect(await database.kysely.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });
});
