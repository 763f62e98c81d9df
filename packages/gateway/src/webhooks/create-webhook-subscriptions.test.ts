import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends } from '../../test/support/test-databases.ts';
import { useMigratedDatabase } from '../../test/support/use-migrated-database.ts';
import { createKeyring, openSecret } from '../secrets/index.ts';
import { createWebhookSubscriptions, secretContextOf } from './create-webhook-subscriptions.ts';
import type { LookupAddresses } from './resolve-destination.ts';

const lookup: LookupAddresses = async (hostname) => {
  const table: Record<string, string> = { 'hooks.example.com': '93.184.215.14', 'intranet.example.com': '10.1.2.3' };
  const address = table[hostname];
  if (address === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

describe.each(backends)('webhook subscriptions on $name', (backend) => {
  const openDatabase = useMigratedDatabase(backend);

  async function setUp() {
    const database = await openDatabase();
    const keyring = createKeyring([randomBytes(32).toString('base64')]);
    let changes = 0;
    const subscriptions = createWebhookSubscriptions({ database, keyring, allowedHosts: [], lookup, onChange: () => (changes += 1) });
    return { subscriptions, keyring, database, changes: () => changes };
  }

  it('creates a subscription whose secret is stored sealed, bound to its row, and returned once', async () => {
    const { subscriptions, keyring, database, changes } = await setUp();
    const { subscription, secret } = await subscriptions.create({ url: 'https://hooks.example.com/feishu#ignored', events: ['user.*', 'department.created'], connection: 'default' });

    expect(subscription).toMatchObject({ url: 'https://hooks.example.com/feishu', events: ['user.*', 'department.created'], connection: 'default', enabled: true });
    expect(changes()).toBe(1);
    const [row] = await database.kysely.selectFrom('webhook_subscriptions').selectAll().execute();
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(openSecret(keyring, row?.sealed_secret ?? '', secretContextOf(subscription.id))).toBe(secret);
    expect(() => openSecret(keyring, row?.sealed_secret ?? '', secretContextOf('999'))).toThrow(expect.objectContaining({ code: 'secrets.tampered' }));
    expect(JSON.stringify(await subscriptions.list())).not.toContain(secret.slice(6));
    expect(await subscriptions.get(subscription.id)).toEqual(subscription);
  });

  it.each([
    ['not a URL', 'hooks.example.com/feishu'],
    ['another scheme', 'ftp://hooks.example.com/feishu'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['credentials', 'https://user:pass@hooks.example.com/feishu'],
    ['a URL too long', `https://hooks.example.com/${'x'.repeat(2048)}`],
  ])('refuses %s with webhooks.invalid', async (_case, url) => {
    const { subscriptions } = await setUp();
    await expect(subscriptions.create({ url, events: ['user.*'] })).rejects.toMatchObject({ code: 'webhooks.invalid' });
    expect(await subscriptions.list()).toEqual([]);
  });

  it('refuses unknown event types and malformed connection names with webhooks.invalid', async () => {
    const { subscriptions } = await setUp();
    await expect(subscriptions.create({ url: 'https://hooks.example.com/', events: ['user.moved'] })).rejects.toMatchObject({ code: 'webhooks.invalid' });
    await expect(subscriptions.create({ url: 'https://hooks.example.com/', events: [] })).rejects.toMatchObject({ code: 'webhooks.invalid' });
    await expect(subscriptions.create({ url: 'https://hooks.example.com/', events: ['*'], connection: 'a b' })).rejects.toMatchObject({ code: 'webhooks.invalid' });
  });

  it('refuses a private destination at creation unless it is allow-listed', async () => {
    const { subscriptions, database, keyring } = await setUp();
    for (const url of ['http://127.0.0.1:9000/', 'http://169.254.169.254/', 'http://10.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'https://intranet.example.com/']) {
      await expect(subscriptions.create({ url, events: ['*'] })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden' });
    }
    await expect(subscriptions.create({ url: 'https://unknown.example.com/', events: ['*'] })).rejects.toMatchObject({ code: 'webhooks.destination_unresolvable' });
    expect(await subscriptions.list()).toEqual([]);

    const allowing = createWebhookSubscriptions({ database, keyring, allowedHosts: ['intranet.example.com', '127.0.0.1'], lookup });
    await allowing.create({ url: 'https://intranet.example.com/', events: ['*'] });
    await allowing.create({ url: 'http://127.0.0.1:9000/', events: ['*'] });
    await expect(allowing.create({ url: 'http://10.0.0.1/', events: ['*'] })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden' });
    expect(await allowing.list()).toHaveLength(2);
  });

  it('disables, enables and deletes; unknown and malformed ids are webhooks.not_found', async () => {
    const { subscriptions } = await setUp();
    const { subscription } = await subscriptions.create({ url: 'https://hooks.example.com/', events: ['*'] });
    expect(await subscriptions.setEnabled(subscription.id, false)).toMatchObject({ enabled: false });
    expect(await subscriptions.setEnabled(subscription.id, true)).toMatchObject({ enabled: true });
    await subscriptions.remove(subscription.id);
    expect(await subscriptions.list()).toEqual([]);
    for (const id of [subscription.id, '999', 'abc', '1; drop table webhook_subscriptions']) {
      await expect(subscriptions.get(id)).rejects.toMatchObject({ code: 'webhooks.not_found' });
      await expect(subscriptions.remove(id)).rejects.toMatchObject({ code: 'webhooks.not_found' });
      await expect(subscriptions.setEnabled(id, false)).rejects.toMatchObject({ code: 'webhooks.not_found' });
      await expect(subscriptions.deliveries(id, { limit: 10 })).rejects.toMatchObject({ code: 'webhooks.not_found' });
    }
  });
});
