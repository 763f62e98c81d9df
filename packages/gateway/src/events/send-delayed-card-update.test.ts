import { randomBytes } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../../emulator/src/index.ts';
import { control } from '../../test/support/emulator-control.ts';
import { backends } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { createFeishuClient } from '../feishu/create-feishu-client.ts';
import { createFeishuMetrics } from '../feishu/create-feishu-metrics.ts';
import { createRateGovernor } from '../feishu/create-rate-governor.ts';
import { createTokenStore } from '../feishu/create-token-store.ts';
import { createHttpApp, createMetrics, startHttpServer } from '../http/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { addCardRoutes } from './add-card-routes.ts';
import { createCardActions } from './card-actions.ts';
import { createCardMetrics } from './create-card-metrics.ts';
import type { JsonObject } from './json-object.ts';
import type { CardCallback } from './open-card-callback.ts';
import { sendDelayedCardUpdate } from './send-delayed-card-update.ts';
import { openMigrated } from '../../test/support/use-migrated-database.ts';

const pglite = backends.find((backend) => backend.name === 'pglite');
const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });
const v1Card = (title: string, config: JsonObject = {}) => ({ config, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });

type CreatedApp = { app_id: string; app_secret: string; encrypt_key: string | null; verification_token: string; app_ticket: string | null };
type InboxItem = { message_id: string; content: Record<string, unknown>; card_state?: { delayed_updates?: number; last_delayed_update?: Record<string, unknown> } };

describe('delayed card update, against the emulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * A store app installed in the emulator's default tenant and in a second one, with a group of
   * two people of the second tenant and the app's bot. Clicks reach the gateway's card route, whose
   * handler keeps each verified callback and answers `{}`: the tests then update the card later.
   */
  async function setUp(seed: number) {
    if (pglite === undefined) throw new Error('the PGlite test backend is missing');
    const emulator = await createEmulator({ seed, users: 4, departments: 1 });
    cleanups.push(() => emulator.close());
    const opened = await openMigrated(pglite);
    cleanups.push(() => opened.cleanup());

    const defaultTenant = emulator.state.defaultTenantKey;
    const { tenant_key: tenantKey } = await control<{ tenant_key: string }>(emulator, 'POST', '/_emulator/tenants', { users: 4, departments: 1 });
    const created = await control<CreatedApp>(emulator, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: [defaultTenant, tenantKey] });
    const app = await control<CreatedApp>(emulator, 'GET', `/_emulator/apps/${created.app_id}`);
    const connection: FeishuConnectionConfig = {
      name: 'default',
      appId: app.app_id,
      appSecret: app.app_secret,
      appType: 'store',
      encryptKey: app.encrypt_key ?? undefined,
      verificationToken: app.verification_token,
      domain: emulator.url,
      eventMode: 'http',
    };

    const log = createTestLogger();
    const tokens = createTokenStore({ database: opened.database, keyring: createKeyring([randomBytes(32).toString('base64')]), logger: log.logger, connection: () => connection });
    const governor = createRateGovernor({ database: opened.database, logger: log.logger });
    cleanups.push(async () => (await tokens.close(), await governor.close()));
    // A store app's ticket arrives as an event; here it is handed over directly.
    await tokens.saveAppTicket('default', app.app_ticket ?? '');
    const client = createFeishuClient(connection, { tokens, governor, metrics: createFeishuMetrics(new Registry()), logger: log.logger });

    const callbacks: CardCallback[] = [];
    const actions = createCardActions();
    actions.on(
      () => true,
      async (callback) => {
        callbacks.push(callback);
        return undefined;
      },
    );
    const metrics = createMetrics();
    const routes = addCardRoutes({ connection: (name) => (name === 'default' ? connection : undefined), actions, client: () => client, maxAgeMs: 3_600_000, metrics: createCardMetrics(metrics.registry) });
    const server = await startHttpServer(createHttpApp({ logger: log.logger, metrics, bodyLimitBytes: 65_536, readinessChecks: [], routes: [routes] }), { port: 0, host: '127.0.0.1', headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 });
    cleanups.push(() => server.close());
    await control(emulator, 'PATCH', `/_emulator/apps/${app.app_id}`, { card_request_url: `http://127.0.0.1:${server.port}/feishu/default/cards` });

    const [alice = '', bob = ''] = [...(emulator.state.tenants.get(tenantKey)?.users.values() ?? [])].filter((user) => !user.deleted && !user.status.isResigned).map((user) => user.userId);
    const { chat_id: chatId } = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { tenant_key: tenantKey, name: 'Cards', user_ids: [alice, bob], bot_app_ids: [app.app_id] });
    const sendCard = async (card: object) => {
      const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) } }, lark.withTenantKey(tenantKey));
      return sent.data?.message_id ?? '';
    };
    /** The verified callback of `userId` clicking the card, as the gateway's route read it. */
    const click = async (messageId: string, userId: string): Promise<CardCallback> => {
      const outcome = await control<{ status: string; token: string }>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: userId, action: { tag: 'button', value: { pick: 1 } } });
      expect(outcome.status).toBe('answered');
      const callback = callbacks.find((seen) => seen.token === outcome.token);
      if (callback === undefined) throw new Error('the card route did not see the click');
      return callback;
    };
    const cardOf = async (messageId: string) => (await control<{ items: InboxItem[] }>(emulator, 'GET', `/_emulator/inbox/${chatId}`)).items.find((item) => item.message_id === messageId);
    return { client, defaultTenant, tenantKey, alice, bob, sendCard, click, cardOf };
  }

  it('sends the card with the callback token, for the callback tenant', async () => {
    const { client, defaultTenant, tenantKey, alice, sendCard, click, cardOf } = await setUp(701);
    const messageId = await sendCard(v2Card('Waiting for approval'));
    const callback = await click(messageId, alice);
    expect(callback.operator.tenantKey).toBe(tenantKey);

    await sendDelayedCardUpdate(client, callback, v2Card('Approved'));
    const updated = await cardOf(messageId);
    expect(updated?.content).toEqual(v2Card('Approved'));
    expect(updated?.card_state).toMatchObject({ delayed_updates: 1, last_delayed_update: { token_uses: 1 } });

    // The same call for the app's other tenant is refused: the tenant of the callback is what counts.
    const elsewhere = { ...callback, operator: { ...callback.operator, tenantKey: defaultTenant } };
    await expect(sendDelayedCardUpdate(client, elsewhere, v2Card('Approved elsewhere'))).rejects.toMatchObject({ feishu: { code: 200310 } });
    expect((await cardOf(messageId))?.content).toEqual(v2Card('Approved'));
  });

  it('names the clicker as the open_ids of an exclusive 1.0 card, unless the card names them', async () => {
    const { client, tenantKey, alice, bob, sendCard, click, cardOf } = await setUp(702);
    const messageId = await sendCard(v1Card('Pick a slot', { update_multi: false }));
    const byAlice = await click(messageId, alice);
    const byBob = await click(messageId, bob);
    const lastUpdate = async () => (await cardOf(messageId))?.card_state?.last_delayed_update;

    // Feishu refuses an exclusive card that names nobody (300090): success below means open_ids were sent.
    const bare = client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token: byAlice.token, card: v1Card('Nobody named', { update_multi: false }) } }, lark.withTenantKey(tenantKey));
    await expect(bare).rejects.toMatchObject({ feishu: { code: 300090 } });

    await sendDelayedCardUpdate(client, byAlice, v1Card('Your slot: 10:00', { update_multi: false }));
    expect(await lastUpdate()).toMatchObject({ open_ids: [byAlice.operator.openId] });
    expect((await cardOf(messageId))?.content).toEqual(v1Card('Your slot: 10:00', { update_multi: false }));

    await sendDelayedCardUpdate(client, byAlice, { ...v1Card('Bob has 11:00', { update_multi: false }), open_ids: [byBob.operator.openId] });
    expect(await lastUpdate()).toMatchObject({ open_ids: [byBob.operator.openId] });
    expect(byBob.operator.openId).not.toBe(byAlice.operator.openId);

    // A shared card changes for everyone; Feishu needs no open_ids for it.
    await sendDelayedCardUpdate(client, byBob, v1Card('Slots are closed', { update_multi: true }));
    expect(await cardOf(messageId)).toMatchObject({ content: v1Card('Slots are closed', { update_multi: true }), card_state: { delayed_updates: 3 } });
  });
});
