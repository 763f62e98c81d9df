import { randomBytes } from 'node:crypto';
import { sql, type PluginTransformQueryArgs, type PluginTransformResultArgs } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/src/index.ts';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { addFault, control } from '../../test/support/emulator-control.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { runMigrations, type Database } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import { createKeyring, type Keyring } from '../secrets/index.ts';
import { createTokenStore, type CreateTokenStoreDeps } from './create-token-store.ts';
import type { TokenStore } from './token-store.ts';

const AUTH = '/open-apis/auth/v3';

/**
 * Counts the calls the emulator receives on `path`: a fault rule that never fires (rate 0) still
 * counts every call it matches, and `GET /_emulator/faults` reports the count.
 */
async function countCalls(emulator: Emulator, path: string): Promise<() => Promise<number>> {
  const counts = await addFault(emulator, { path, method: 'POST', rate: 0, status: 500 });
  return async () => (await counts()).matched;
}

describe.each(backends)('token store on $name', (backend) => {
  let opened: TestDatabase;
  let database: Database;
  let emulator: Emulator;
  let keyring: Keyring;
  let connections: Map<string, FeishuConnectionConfig>;
  let stores: TokenStore[];

  beforeEach(async () => {
    opened = await backend.open();
    database = opened.database;
    await runMigrations(database);
    emulator = await createEmulator({ users: 5, departments: 2 });
    keyring = createKeyring([randomBytes(32).toString('base64')]);
    const app = emulator.defaultApp();
    connections = new Map([['default', connectionFor('default', app.appId, app.appSecret, 'self_built')]]);
    stores = [];
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    await emulator.close();
    await opened.cleanup();
  });

  function connectionFor(name: string, appId: string, appSecret: string, appType: 'self_built' | 'store', domain = emulator.url): FeishuConnectionConfig {
    return { name, appId, appSecret, appType, encryptKey: undefined, verificationToken: undefined, domain, eventMode: 'http' };
  }

  /** One gateway instance's token store; several on one database act as several instances. */
  function instance(options: Partial<CreateTokenStoreDeps> & { logger?: Logger } = {}): TokenStore {
    const store = createTokenStore({
      database,
      keyring,
      logger: createTestLogger().logger,
      connection: (name) => connections.get(name),
      now: () => emulator.state.clock.now(),
      pollIntervalMs: 10,
      ...options,
    });
    stores.push(store);
    return store;
  }

  const selfBuilt = { connection: 'default', tenantKey: undefined };

  async function advanceHours(hours: number): Promise<void> {
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: hours * 3600 });
  }

  async function createStoreApp(tenantCount: number): Promise<{ appId: string; appSecret: string; tenantKeys: string[] }> {
    const tenantKeys = [emulator.state.defaultTenantKey];
    for (let index = 1; index < tenantCount; index += 1) {
      tenantKeys.push((await control<{ tenant_key: string }>(emulator, 'POST', '/_emulator/tenants', { users: 1, departments: 1 })).tenant_key);
    }
    const app = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: tenantKeys });
    connections.set('store', connectionFor('store', app.app_id, app.app_secret, 'store'));
    return { appId: app.app_id, appSecret: app.app_secret, tenantKeys };
  }

  async function emulatorTicket(appId: string): Promise<string> {
    return (await control<{ app_ticket: string }>(emulator, 'GET', `/_emulator/apps/${appId}`)).app_ticket;
  }

  describe('self-built apps', () => {
    it('lets two instances on one database fetch one token between them', async () => {
      const tokenRequests = await countCalls(emulator, `${AUTH}/tenant_access_token/internal`);
      const [first, second] = [instance(), instance()];
      const tokens = await Promise.all([...Array.from({ length: 20 }, () => first.tenantToken(selfBuilt)), ...Array.from({ length: 20 }, () => second.tenantToken(selfBuilt))]);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).toMatch(/^t-/);
      expect(await tokenRequests()).toBe(1);
      expect(first.stats().refreshes + second.stats().refreshes).toBe(1);
    });

    it('makes one database round and one fetch for concurrent calls in one process', async () => {
      const tokenRequests = await countCalls(emulator, `${AUTH}/tenant_access_token/internal`);
      let queries = 0;
      const counting = { transformQuery: (args: PluginTransformQueryArgs) => ((queries += 1), args.node), transformResult: async (args: PluginTransformResultArgs) => args.result };
      const store = instance({ database: { ...database, kysely: database.kysely.withPlugin(counting) } });
      const tokens = await Promise.all(Array.from({ length: 50 }, () => store.tenantToken(selfBuilt)));
      expect(new Set(tokens).size).toBe(1);
      // read the row, take the lease, store the token
      expect(queries).toBe(3);
      expect(await tokenRequests()).toBe(1);
      expect(store.stats()).toMatchObject({ hits: 0, misses: 50, refreshes: 1 });
    });

    it('answers repeated calls from the in-process cache', async () => {
      const store = instance();
      const token = await store.tenantToken(selfBuilt);
      for (let call = 0; call < 99; call += 1) expect(await store.tenantToken(selfBuilt)).toBe(token);
      expect(store.stats()).toEqual({ hits: 99, misses: 1, refreshes: 1, failures: 0 });
    });

    it('refreshes once for 200 concurrent calls on two instances after the token expired', async () => {
      const tokenRequests = await countCalls(emulator, `${AUTH}/tenant_access_token/internal`);
      const [first, second] = [instance(), instance()];
      const old = await first.tenantToken(selfBuilt);
      expect(await second.tenantToken(selfBuilt)).toBe(old);
      await advanceHours(2);
      const tokens = await Promise.all(Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? first : second).tenantToken(selfBuilt)));
      expect(new Set(tokens)).toEqual(new Set([tokens[0]]));
      expect(tokens[0]).not.toBe(old);
      expect(await tokenRequests()).toBe(2);
      expect(first.stats().refreshes + second.stats().refreshes).toBe(2);
    });

    it('refreshes a token before it expires, once less than the margin is left', async () => {
      const tokenRequests = await countCalls(emulator, `${AUTH}/tenant_access_token/internal`);
      const store = instance({ refreshMarginSeconds: 40 * 60 });
      const first = await store.tenantToken(selfBuilt);
      await advanceHours(1.5); // 30 min left: inside the 40 min margin, and Feishu issues a new token
      const second = await store.tenantToken(selfBuilt);
      expect(second).not.toBe(first);
      expect(await tokenRequests()).toBe(2);
    });

    it('fetches a new token after invalidate, and a stale invalidate keeps the newer token', async () => {
      const tokenRequests = await countCalls(emulator, `${AUTH}/tenant_access_token/internal`);
      const [first, second] = [instance(), instance()];
      const old = await first.tenantToken(selfBuilt);
      expect(await second.tenantToken(selfBuilt)).toBe(old);
      // Feishu revokes the token (the next API call would answer 99991663).
      await control(emulator, 'POST', '/_emulator/faults/invalidate-token', { app_id: emulator.defaultApp().appId });
      await first.invalidate(selfBuilt, old);
      const fresh = await first.tenantToken(selfBuilt);
      expect(fresh).not.toBe(old);
      expect(await tokenRequests()).toBe(2);
      // The second instance learns of the revocation late: dropping its stale token must not
      // throw away the fresh one the first instance stored.
      await second.invalidate(selfBuilt, old);
      expect(await second.tenantToken(selfBuilt)).toBe(fresh);
      expect(await tokenRequests()).toBe(2);
    });

    it('takes over the refresh when the instance holding the lease never finishes', async () => {
      const app = emulator.defaultApp();
      await database.kysely
        .insertInto('feishu_tokens')
        .values({
          connection: 'default',
          kind: 'tenant',
          tenant_key: '',
          app_id: app.appId,
          sealed_token: null,
          expires_at: null,
          refreshing_until: new Date(emulator.state.clock.now() + 300),
          refreshed_by: 'a crashed instance',
        })
        .execute();
      const token = await instance().tenantToken(selfBuilt);
      expect(token).toMatch(/^t-/);
      const row = await database.kysely.selectFrom('feishu_tokens').select(['refreshed_by', 'refreshing_until']).executeTakeFirstOrThrow();
      expect(row).toEqual({ refreshed_by: null, refreshing_until: null });
    });

    it('does not use a stored token issued to another App ID', async () => {
      const store = instance();
      const before = await store.tenantToken(selfBuilt);
      const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
      connections.set('default', connectionFor('default', other.app_id, other.app_secret, 'self_built'));
      const after = await instance().tenantToken(selfBuilt);
      expect(after).not.toBe(before);
      expect(emulator.state.tokens.lookup(after)).toMatchObject({ record: { appId: other.app_id } });
    });

    it('stores tokens sealed, never in clear', async () => {
      const token = await instance().tenantToken(selfBuilt);
      const { rows } = await sql`select * from feishu_tokens`.execute(database.kysely);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice(2));
    });
  });

  describe('failures', () => {
    it('reports a wrong App Secret as feishu.token_unavailable with code 10015, and no secret anywhere', async () => {
      const app = emulator.defaultApp();
      const wrongSecret = `wrong-${randomBytes(8).toString('hex')}`;
      connections.set('default', connectionFor('default', app.appId, wrongSecret, 'self_built'));
      const log = createTestLogger();
      const store = instance({ logger: log.logger });
      const error = await store.tenantToken(selfBuilt).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'feishu.token_unavailable', details: { connection: 'default', code: 10015, retryable: false } });
      expect((error as Error).message).toContain('10015');
      expect((error as Error).message).toContain('"default"');
      for (const text of [(error as Error).message, JSON.stringify((error as { details: unknown }).details), log.text()]) {
        expect(text).not.toContain(wrongSecret);
        expect(text).not.toContain(app.appSecret);
      }
      expect(store.stats().failures).toBe(1);
      // The failure leaves no lease behind: the next attempt fetches at once.
      const row = await database.kysely.selectFrom('feishu_tokens').select(['refreshing_until', 'sealed_token']).executeTakeFirstOrThrow();
      expect(row).toEqual({ refreshing_until: null, sealed_token: null });
    });

    it('reports an unknown App ID with Feishu\'s code', async () => {
      connections.set('default', connectionFor('default', 'cli_0000000000000000', 'secret', 'self_built'));
      await expect(instance().tenantToken(selfBuilt)).rejects.toMatchObject({ code: 'feishu.token_unavailable', details: { code: 10003 } });
    });

    it('fails retryably when Feishu cannot be reached', async () => {
      const closed = await createEmulator({ users: 1, departments: 1 });
      const url = closed.url;
      await closed.close();
      const app = emulator.defaultApp();
      connections.set('default', connectionFor('default', app.appId, app.appSecret, 'self_built', url));
      await expect(instance().tenantToken(selfBuilt)).rejects.toMatchObject({ code: 'feishu.token_unavailable', details: { connection: 'default', retryable: true } });
    });

    it('fails retryably when Feishu does not answer within the request timeout', async () => {
      await control(emulator, 'POST', '/_emulator/faults', { path: `${AUTH}/tenant_access_token/internal`, latency_ms: 5_000 });
      const error = await instance({ requestTimeoutMs: 100 })
        .tenantToken(selfBuilt)
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'feishu.token_unavailable', details: { retryable: true } });
      expect((error as Error).message).toContain('within 100 ms');
    });

    it('rejects an unknown connection', async () => {
      await expect(instance().tenantToken({ connection: 'nope', tenantKey: undefined })).rejects.toMatchObject({ code: 'feishu.unknown_connection' });
    });
  });

  describe('store apps', () => {
    it('gets a tenant token per tenant_key with the saved app_ticket, fetching the app token once', async () => {
      const { appId, tenantKeys } = await createStoreApp(2);
      const appTokenRequests = await countCalls(emulator, `${AUTH}/app_access_token`);
      const store = instance();
      await store.saveAppTicket('store', await emulatorTicket(appId));
      const [first, second] = await Promise.all(tenantKeys.map((tenantKey) => store.tenantToken({ connection: 'store', tenantKey })));
      expect(first).not.toBe(second);
      expect(emulator.state.tokens.lookup(first ?? '')).toMatchObject({ record: { kind: 'tenant', tenantKey: tenantKeys[0], appId } });
      expect(emulator.state.tokens.lookup(second ?? '')).toMatchObject({ record: { kind: 'tenant', tenantKey: tenantKeys[1], appId } });
      expect(await store.appToken('store')).toMatch(/^a-/);
      expect(await appTokenRequests()).toBe(1);
    });

    it('works after a restart with the ticket it saved before', async () => {
      const { appId, tenantKeys } = await createStoreApp(1);
      const resends = await countCalls(emulator, `${AUTH}/app_ticket/resend`);
      const before = instance();
      const ticket = await emulatorTicket(appId);
      await before.saveAppTicket('store', ticket);
      await before.close();
      const after = instance();
      const token = await after.tenantToken({ connection: 'store', tenantKey: tenantKeys[0] });
      expect(emulator.state.tokens.lookup(token)).toMatchObject({ record: { appId, tenantKey: tenantKeys[0] } });
      expect(await resends()).toBe(0);
      const { rows } = await sql`select * from feishu_app_tickets`.execute(database.kysely);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(ticket);
    });

    it('without a ticket, asks Feishu to resend it and fails with feishu.app_ticket_missing', async () => {
      const { tenantKeys } = await createStoreApp(1);
      const resends = await countCalls(emulator, `${AUTH}/app_ticket/resend`);
      const appTokenRequests = await countCalls(emulator, `${AUTH}/app_access_token`);
      const store = instance();
      const scope = { connection: 'store', tenantKey: tenantKeys[0] };
      await expect(store.tenantToken(scope)).rejects.toMatchObject({ code: 'feishu.app_ticket_missing', details: { connection: 'store', retryable: true } });
      expect(await resends()).toBe(1);
      // A second call right away does not ask again (one resend per interval is enough).
      await expect(store.tenantToken(scope)).rejects.toMatchObject({ code: 'feishu.app_ticket_missing' });
      expect(await resends()).toBe(1);
      expect(await appTokenRequests()).toBe(0);
    });

    it('treats a refused ticket (10012) as missing: drops it and asks for a new one', async () => {
      const { appId, tenantKeys } = await createStoreApp(1);
      const resends = await countCalls(emulator, `${AUTH}/app_ticket/resend`);
      const store = instance();
      const stale = await emulatorTicket(appId);
      await advanceHours(1); // the emulator issues the hourly ticket; the saved one is now stale
      await store.saveAppTicket('store', stale);
      const scope = { connection: 'store', tenantKey: tenantKeys[0] };
      await expect(store.tenantToken(scope)).rejects.toMatchObject({ code: 'feishu.app_ticket_missing' });
      expect(await resends()).toBe(1);
      expect(await database.kysely.selectFrom('feishu_app_tickets').selectAll().execute()).toEqual([]);
      await store.saveAppTicket('store', await emulatorTicket(appId));
      expect(await store.tenantToken(scope)).toMatch(/^t-/);
    });

    it('fetches a new app token once when Feishu revoked the stored one (99991664)', async () => {
      const { appId, tenantKeys } = await createStoreApp(2);
      const appTokenRequests = await countCalls(emulator, `${AUTH}/app_access_token`);
      const store = instance();
      await store.saveAppTicket('store', await emulatorTicket(appId));
      await store.tenantToken({ connection: 'store', tenantKey: tenantKeys[0] });
      await control(emulator, 'POST', '/_emulator/faults/invalidate-token', { app_id: appId });
      const token = await store.tenantToken({ connection: 'store', tenantKey: tenantKeys[1] });
      expect(emulator.state.tokens.lookup(token)).toMatchObject({ record: { tenantKey: tenantKeys[1] } });
      expect(await appTokenRequests()).toBe(2);
    });

    it('needs a tenant_key for a store app', async () => {
      await createStoreApp(1);
      await expect(instance().tenantToken({ connection: 'store', tenantKey: undefined })).rejects.toMatchObject({ code: 'feishu.token_unavailable' });
    });
  });

  it('logs refreshes with the connection and tenant, never the token', async () => {
    const { appId, tenantKeys } = await createStoreApp(1);
    const log = createTestLogger();
    const store = instance({ logger: log.logger });
    const ticket = await emulatorTicket(appId);
    await store.saveAppTicket('store', ticket);
    const token = await store.tenantToken({ connection: 'store', tenantKey: tenantKeys[0] });
    const appToken = await store.appToken('store');
    const refreshed = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['msg'] === 'Feishu access token refreshed');
    expect(refreshed).toEqual([
      expect.objectContaining({ level: 'info', connection: 'store', kind: 'app' }),
      expect.objectContaining({ level: 'info', connection: 'store', kind: 'tenant', tenantKey: tenantKeys[0] }),
    ]);
    for (const secret of [token, appToken, ticket, connections.get('store')?.appSecret ?? '']) expect(log.text()).not.toContain(secret);
  });
});
