import { randomBytes, randomUUID } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/src/index.ts';
import { backends, type TestBackend, type TestDatabase } from '../../test/support/test-databases.ts';
import { addFault, control } from '../../test/support/emulator-control.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { runMigrations, type Database } from '../db/index.ts';
import { isGatewayError } from '../errors/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { createFeishuClient } from './create-feishu-client.ts';
import type { RetryPolicy } from './create-feishu-transport.ts';
import { createRateGovernor } from './create-rate-governor.ts';
import { createTokenStore } from './create-token-store.ts';
import { FeishuApiError } from './feishu-api-error.ts';
import { createFeishuMetrics, type FeishuMetrics } from './create-feishu-metrics.ts';

async function counter(metrics: FeishuMetrics, name: keyof FeishuMetrics, labels: Record<string, string>): Promise<number> {
  const { values } = await metrics[name].get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => (value.labels as Record<string, string | number | undefined>)[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

/** One gateway instance's Feishu client against the emulator, on `database`. */
function instance(
  emulator: Emulator,
  database: Database,
  keyring: ReturnType<typeof createKeyring>,
  connection: FeishuConnectionConfig,
  policy: Partial<RetryPolicy> = {},
  keyPrefix = `t${randomBytes(4).toString('hex')}`,
  monthlyQuota = 0,
) {
  const log = createTestLogger();
  const tokens = createTokenStore({ database, keyring, logger: log.logger, connection: (name) => (name === connection.name ? connection : undefined), pollIntervalMs: 10 });
  const governor = createRateGovernor({ database, logger: log.logger, keyPrefix });
  const metrics = createFeishuMetrics(new Registry());
  const client = createFeishuClient(connection, { tokens, governor, metrics, logger: log.logger, policy: { baseDelayMs: 20, maxDelayMs: 200, ...policy }, monthlyQuota });
  return { client, tokens, governor, metrics, log, close: async () => (await tokens.close(), await governor.close()) };
}

describe.each(backends)('the Feishu client against the emulator, on $name', (backend: TestBackend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(seed: number, options: { secret?: string; policy?: Partial<RetryPolicy> } = {}) {
    const emulator = await createEmulator({ seed, users: 30, departments: 4 });
    cleanups.push(() => emulator.close());
    const opened: TestDatabase = await backend.open();
    cleanups.push(() => opened.cleanup());
    await runMigrations(opened.database);
    const keyring = createKeyring([randomBytes(32).toString('base64')]);
    const app = emulator.defaultApp();
    const connection: FeishuConnectionConfig = { name: 'default', appId: app.appId, appSecret: options.secret ?? app.appSecret, appType: 'self_built', encryptKey: undefined, verificationToken: undefined, domain: emulator.url, eventMode: 'http' };
    const made = instance(emulator, opened.database, keyring, connection, options.policy);
    cleanups.push(made.close);
    const [user] = [...(emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.values() ?? [])];
    return { emulator, ...made, userId: user?.userId ?? '', database: opened.database, keyring, connection };
  }

  it('replaces a token Feishu stopped accepting with one refresh and one retry; the caller sees success', async () => {
    const { emulator, client, tokens, metrics, userId } = await setUp(81);
    expect((await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } })).code).toBe(0);
    await control(emulator, 'POST', '/_emulator/faults/invalidate-token', {});
    const after = await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
    expect(after.data?.user?.user_id).toBe(userId);
    expect(tokens.stats().refreshes).toBe(2);
    expect(await counter(metrics, 'retries', { reason: 'token' })).toBe(1);
    expect(await counter(metrics, 'requests', { api: 'contact.v3.user.get', code: '99991663' })).toBe(1);
  });

  it('survives a revoked token under a burst: 200 concurrent calls, one refresh, no failure', async () => {
    const { emulator, client, tokens, userId } = await setUp(95, { policy: { deadlineMs: 60_000 } });
    expect((await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } })).code).toBe(0);
    await control(emulator, 'POST', '/_emulator/faults/invalidate-token', {});
    const calls = Array.from({ length: 200 }, () => client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } }).then((answer) => answer.code));
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(tokens.stats().refreshes).toBe(2);
  });

  it('surfaces a non-retryable error at once, with Feishu code, HTTP status and log_id', async () => {
    const { emulator, client } = await setUp(82);
    const seen = await addFault(emulator, { path: '/open-apis/contact/v3/users/', rate: 0, status: 500 });
    const error = await client.contact.v3.user.get({ path: { user_id: 'nobody' }, params: { user_id_type: 'user_id' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeishuApiError);
    const failure = error as FeishuApiError;
    expect(failure.code).toBe('feishu.api_error');
    expect(failure.feishu).toMatchObject({ code: 41050, httpStatus: 400, api: 'contact.v3.user.get' });
    expect(failure.feishu.logId).toMatch(/^\d{14}/);
    expect(failure.retryable).toBe(false);
    expect((await seen()).matched).toBe(1);
  });

  it('names the missing scopes of a permission error', async () => {
    const { emulator, client, userId } = await setUp(83);
    await control(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { scopes: [] });
    const error = (await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } }).catch((caught: unknown) => caught)) as FeishuApiError;
    expect(error.code).toBe('feishu.permission_denied');
    expect(error.feishu.missingScopes?.length).toBeGreaterThan(0);
  });

  it('keeps every read succeeding within its deadline with 20 % injected 5xx', async () => {
    const { emulator, client, metrics, userId } = await setUp(84);
    const injected = await addFault(emulator, { path: '/open-apis/contact/v3/users/', method: 'GET', rate: 0.2, status: 503 });
    for (let call = 0; call < 40; call += 1) {
      const answer = await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
      expect(answer.code).toBe(0);
    }
    const { fired } = await injected();
    expect(fired).toBeGreaterThan(0);
    expect(await counter(metrics, 'retries', { reason: 'transient' })).toBe(fired);
  });

  it('retries a failed write only when it carries an idempotency key', async () => {
    const { emulator, client, metrics, userId } = await setUp(85);
    const send = (uuid?: string) =>
      client.im.v1.message.create({ params: { receive_id_type: 'user_id' }, data: { receive_id: userId, msg_type: 'text', content: JSON.stringify({ text: `hello ${uuid ?? 'once'}` }), ...(uuid === undefined ? {} : { uuid }) } });
    const once = await addFault(emulator, { path: '/open-apis/im/v1/messages', method: 'POST', status: 503, count: 1 });
    const unkeyed = (await send().catch((caught: unknown) => caught)) as FeishuApiError;
    expect(unkeyed.feishu).toMatchObject({ code: 2200, httpStatus: 503 });
    expect((await once()).matched).toBe(1);

    await addFault(emulator, { path: '/open-apis/im/v1/messages', method: 'POST', status: 503, count: 1 });
    const keyed = await send(randomUUID());
    expect(keyed.code).toBe(0);
    expect(await counter(metrics, 'retries', { reason: 'transient', api: 'im.v1.message.create' })).toBe(1);
    const inbox = await control<{ items: { message_id: string }[] }>(emulator, 'GET', `/_emulator/inbox/${userId}`);
    expect(inbox.items.map((item) => item.message_id)).toEqual([keyed.data?.message_id]);
  });

  it('waits out a 429 for the reset time it names, then succeeds', async () => {
    const { emulator, client, metrics, userId } = await setUp(86);
    await addFault(emulator, { path: '/open-apis/contact/v3/users/', method: 'GET', status: 429, count: 1 });
    const started = Date.now();
    const answer = await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
    expect(answer.code).toBe(0);
    // The emulator's throttle says `x-ogw-ratelimit-reset: 1`: the retry cannot come sooner.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await counter(metrics, 'throttled', { api: 'contact.v3.user.get' })).toBe(1);
  });

  it('holds the throttled API for every instance until the reset time has passed', async () => {
    const { emulator, database, keyring, connection, userId } = await setUp(92);
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const first = instance(emulator, database, keyring, connection, {}, prefix);
    const second = instance(emulator, database, keyring, connection, {}, prefix);
    cleanups.push(first.close, second.close);
    const get = (made: typeof first) => made.client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
    await addFault(emulator, { path: '/open-apis/contact/v3/users/', method: 'GET', status: 429, count: 1 });
    const throttledCall = get(first);
    // Once the first instance has recorded the hold, the second must wait for it too.
    while ((await counter(first.metrics, 'throttled', {})) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const holdSeen = Date.now();
    expect((await get(second)).code).toBe(0);
    // The hold is 1 s (the emulator's reset) from when it was set, a few ms before it was seen.
    expect(Date.now() - holdSeen).toBeGreaterThanOrEqual(900);
    expect((await throttledCall).code).toBe(0);
  });

  it('keeps message sends to one user within 5 per second, so Feishu never answers 230020', async () => {
    const { emulator, client, metrics, userId } = await setUp(94);
    const sends = Array.from({ length: 12 }, (_, index) =>
      client.im.v1.message.create({ params: { receive_id_type: 'user_id' }, data: { receive_id: userId, msg_type: 'text', content: JSON.stringify({ text: `burst ${index}` }), uuid: randomUUID() } }),
    );
    expect((await Promise.all(sends)).every((answer) => answer.code === 0)).toBe(true);
    expect(await counter(metrics, 'requests', { api: 'im.v1.message.create', code: '230020' })).toBe(0);
    const inbox = await control<{ items: unknown[] }>(emulator, 'GET', `/_emulator/inbox/${userId}`);
    expect(inbox.items).toHaveLength(12);
  });

  it('warns as the monthly call quota nears, once per threshold', async () => {
    const { emulator, database, keyring, connection, userId } = await setUp(93);
    const made = instance(emulator, database, keyring, connection, {}, undefined, 4);
    cleanups.push(made.close);
    const warnings = () => made.log.lines.filter((line) => line.includes('of the plan quota'));
    for (let call = 0; call < 3; call += 1) await made.client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
    expect(warnings()).toEqual([]);
    for (let call = 0; call < 2; call += 1) await made.client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } });
    // The count is taken beside the call, not before its answer: wait for the second warning.
    for (let wait = 0; warnings().length < 2 && wait < 100; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warnings().map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'Feishu API calls this month have passed 80 % of the plan quota',
      'Feishu API calls this month have passed 95 % of the plan quota',
    ]);
  });

  it('reports a wrong App Secret as token_unavailable, naming the connection and Feishu code, without the secret', async () => {
    const { client, log, userId } = await setUp(87, { secret: 'not-the-secret' });
    const error = await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } }).catch((caught: unknown) => caught);
    expect(isGatewayError(error, 'feishu.token_unavailable')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ connection: 'default', code: 10015 });
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
    expect(log.text()).not.toContain('not-the-secret');
  });

  it('fails a call to an unreachable Feishu with a typed retryable error within its deadline', async () => {
    const { emulator, client, userId } = await setUp(88, { policy: { deadlineMs: 1_500, attemptTimeoutMs: 500 } });
    expect((await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } })).code).toBe(0);
    await emulator.close();
    const error = await client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } }).catch((caught: unknown) => caught);
    expect(isGatewayError(error, 'feishu.unreachable')).toBe(true);
    // A read is tried again until the deadline leaves no room; the error says it may succeed later.
    expect((error as { details: { attempts: number; retryable: boolean } }).details).toMatchObject({ retryable: true });
    expect((error as { details: { attempts: number } }).details.attempts).toBeGreaterThan(1);
  });

  it('logs method, API, code and log_id of a failure, never the token', async () => {
    const { client, log, tokens } = await setUp(89);
    await client.contact.v3.user.get({ path: { user_id: 'nobody' }, params: { user_id_type: 'user_id' } }).catch(() => undefined);
    const token = await tokens.tenantToken({ connection: 'default', tenantKey: undefined });
    const line = log.lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry['msg'] === 'feishu call failed');
    expect(line).toMatchObject({ method: 'GET', api: 'contact.v3.user.get', code: '41050', connection: 'default' });
    expect(line?.['logId']).toMatch(/^\d{14}/);
    expect(log.text()).not.toContain(token);
  });

  it('serves a store app per tenant with lark.withTenantKey', async () => {
    const { emulator, database, keyring } = await setUp(90);
    const store = await control<{ app_id: string; app_secret: string; app_ticket: string; installations: { tenant_key: string }[] }>(emulator, 'POST', '/_emulator/apps', {
      type: 'store',
      tenant_keys: [emulator.state.defaultTenantKey],
    });
    const connection: FeishuConnectionConfig = { name: 'store', appId: store.app_id, appSecret: store.app_secret, appType: 'store', encryptKey: undefined, verificationToken: undefined, domain: emulator.url, eventMode: 'http' };
    // The ticket arrived (as an event) at another instance before this one started.
    const receiver = createTokenStore({ database, keyring, logger: createTestLogger().logger, connection: () => connection });
    await receiver.saveAppTicket('store', (await control<{ app_ticket: string }>(emulator, 'GET', `/_emulator/apps/${store.app_id}`)).app_ticket);
    await receiver.close();
    const made = instance(emulator, database, keyring, connection);
    cleanups.push(made.close);
    const tenantKey = emulator.state.defaultTenantKey;
    expect(store.installations.map((installation) => installation.tenant_key)).toEqual([tenantKey]);
    const answer = await made.client.contact.v3.scope.list({ params: {} }, lark.withTenantKey(tenantKey));
    expect(answer.code).toBe(0);
    const missing = await made.client.contact.v3.scope.list({ params: {} }).catch((caught: unknown) => caught);
    expect(isGatewayError(missing, 'feishu.token_unavailable')).toBe(true);
  });
});
