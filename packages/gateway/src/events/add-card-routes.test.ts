import { randomBytes } from 'node:crypto';
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
import { createCardActions, type CardAnswer } from './card-actions.ts';
import { createCardMetrics } from './create-card-metrics.ts';
import { openMigrated } from '../../test/support/use-migrated-database.ts';

const pglite = backends.find((backend) => backend.name === 'pglite');
const exclusiveCard = (title: string) => ({ elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

type ClickOutcome = { callback_id: string; status: string; error_code: number | null; toast: Record<string, unknown> | null; card_updated: boolean };
type CallbackRecord = { callback_id: string; response_body: string | null; request: { event: { operator: { open_id: string } } } };
type InboxItem = { message_id: string; content: Record<string, unknown>; card_state?: { delayed_updates?: number; last_delayed_update?: Record<string, unknown> } };
type LogLine = { msg: string; callbackId?: string; err?: { feishu?: { code?: number } } };

describe('card route: handlers that miss the budget, clicked in the emulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * The card route of the emulator's default app served over HTTP with a 10 ms budget and a real
   * SDK client for delayed updates, and a group of one person and the bot. Handlers made with
   * `late` wait for `release()`, so they always miss the budget, however fast the machine is.
   */
  async function setUp(seed: number) {
    if (pglite === undefined) throw new Error('the PGlite test backend is missing');
    const emulator = await createEmulator({ seed, users: 4, departments: 1 });
    cleanups.push(() => emulator.close());
    const opened = await openMigrated(pglite);
    cleanups.push(() => opened.cleanup());
    const app = emulator.defaultApp();
    const connection: FeishuConnectionConfig = { name: 'default', appId: app.appId, appSecret: app.appSecret, appType: 'self_built', encryptKey: app.encryptKey, verificationToken: app.verificationToken, domain: emulator.url, eventMode: 'http' };

    const log = createTestLogger({ level: 'info' });
    const tokens = createTokenStore({ database: opened.database, keyring: createKeyring([randomBytes(32).toString('base64')]), logger: log.logger, connection: () => connection });
    const governor = createRateGovernor({ database: opened.database, logger: log.logger });
    cleanups.push(async () => (await tokens.close(), await governor.close()));
    const client = createFeishuClient(connection, { tokens, governor, metrics: createFeishuMetrics(new Registry()), logger: log.logger });

    const metrics = createMetrics();
    const actions = createCardActions();
    const routes = addCardRoutes({ connection: (name) => (name === 'default' ? connection : undefined), actions, client: () => client, maxAgeMs: 3_600_000, metrics: createCardMetrics(metrics.registry), budgetMs: 10 });
    const server = await startHttpServer(createHttpApp({ logger: log.logger, metrics, bodyLimitBytes: 65_536, readinessChecks: [], routes: [routes] }), { port: 0, host: '127.0.0.1', headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 });
    cleanups.push(() => server.close());
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { card_request_url: `http://127.0.0.1:${server.port}/feishu/default/cards` });

    const [alice = ''] = [...(emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.values() ?? [])].filter((user) => !user.deleted && !user.status.isResigned).map((user) => user.userId);
    const { chat_id: chatId } = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { name: 'Cards', user_ids: [alice], bot_app_ids: [app.appId] });
    const sendCard = async (card: object) => {
      const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) } });
      return sent.data?.message_id ?? '';
    };
    const click = (messageId: string, value: Record<string, unknown>) => control<ClickOutcome>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: alice, action: { tag: 'button', value } });
    const cardOf = async (messageId: string) => (await control<{ items: InboxItem[] }>(emulator, 'GET', `/_emulator/inbox/${chatId}`)).items.find((item) => item.message_id === messageId);
    const callbackLog = async (messageId: string) => (await control<{ items: CallbackRecord[] }>(emulator, 'GET', `/_emulator/cards/callbacks?message_id=${messageId}`)).items;

    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const late = (answer: () => CardAnswer) => async () => {
      await released;
      return answer();
    };
    const deferred = async () => (await metrics.registry.getSingleMetricAsString('feishu_card_deferred_total')).split('\n').filter((line) => line !== '' && !line.startsWith('#')).sort();
    const logLines = () => log.lines.map((line) => JSON.parse(line) as LogLine);
    return { emulator, actions, late, release, sendCard, click, cardOf, callbackLog, deferred, logLines };
  }

  it('answers {} at once and applies the late card later, for the clicker alone on an exclusive 1.0 card', async () => {
    const { actions, late, release, sendCard, click, cardOf, callbackLog, deferred } = await setUp(711);
    actions.on('go', late(() => ({ toast: { type: 'success', content: 'never shown' }, card: exclusiveCard('Booked for you') })));
    const messageId = await sendCard(exclusiveCard('Booking…'));

    // The click returns while the handler is still held: the answer did not wait for it.
    const outcome = await click(messageId, { go: true });
    expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: null, card_updated: false });
    const [record] = await callbackLog(messageId);
    expect(record?.response_body).toBe('{}');
    expect(await cardOf(messageId)).toMatchObject({ content: exclusiveCard('Booking…') });

    release();
    await expect.poll(async () => (await cardOf(messageId))?.card_state?.delayed_updates, { timeout: 10_000 }).toBe(1);
    const updated = await cardOf(messageId);
    expect(updated?.content).toEqual(exclusiveCard('Booked for you'));
    // Feishu refuses an exclusive 1.0 update without open_ids (300090); the gateway named the clicker.
    expect(updated?.card_state?.last_delayed_update).toMatchObject({ open_ids: [record?.request.event.operator.open_id] });
    expect(await deferred()).toEqual(['feishu_card_deferred_total{result="updated"} 1']);
  });

  it('logs and counts a delayed update Feishu refuses because the token expired while the handler ran', async () => {
    const { emulator, actions, late, release, sendCard, click, cardOf, deferred, logLines } = await setUp(712);
    actions.on('go', late(() => ({ card: v2Card('Done, too late') })));
    const messageId = await sendCard(v2Card('Working…'));
    const outcome = await click(messageId, { go: true });
    expect(outcome).toMatchObject({ status: 'answered', card_updated: false });

    // The update token lasts 30 minutes from the click.
    await control(emulator, 'POST', '/_emulator/clock/advance', { ms: 31 * 60_000 });
    release();
    await expect.poll(deferred, { timeout: 10_000 }).toEqual(['feishu_card_deferred_total{result="update_failed"} 1']);
    const failure = logLines().find((line) => line.msg === 'delayed card update failed');
    expect(failure).toMatchObject({ callbackId: outcome.callback_id, err: { feishu: { code: 300030 } } });
    expect(await cardOf(messageId)).toMatchObject({ content: v2Card('Working…') });
    expect((await cardOf(messageId))?.card_state?.delayed_updates).toBeUndefined();
  });

  it('logs and counts a late handler that fails, and a late toast that can no longer be shown', async () => {
    const { actions, late, release, sendCard, click, cardOf, deferred, logLines } = await setUp(713);
    actions.on(
      'fail',
      late(() => {
        throw new Error('the booking service is down');
      }),
    );
    actions.on('toast', late(() => ({ toast: { type: 'info', content: 'too late' } })));
    const messageId = await sendCard(v2Card('Try me'));
    const failed = await click(messageId, { fail: 1 });
    const toasted = await click(messageId, { toast: 1 });
    for (const outcome of [failed, toasted]) expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: null, card_updated: false });

    release();
    await expect.poll(deferred, { timeout: 10_000 }).toEqual(['feishu_card_deferred_total{result="handler_failed"} 1', 'feishu_card_deferred_total{result="no_card"} 1']);
    const lines = logLines();
    expect(lines.find((line) => line.msg === 'card handler failed after the callback was answered')).toMatchObject({ callbackId: failed.callback_id });
    expect(lines.find((line) => line.msg === 'late card handler gave a toast, which can no longer be shown')).toMatchObject({ callbackId: toasted.callback_id });
    expect(await cardOf(messageId)).toMatchObject({ content: v2Card('Try me') });
  });
});
