import { describe, expect, it } from 'vitest';
import type { CardCallback } from '../src/events/open-card-callback.ts';
import { control } from './support/emulator-control.ts';
import { signedPush, signedRequest } from './support/feishu-push.ts';
import { gatewaysAgainstEmulators } from './support/gateways-against-emulators.ts';
import { until } from './support/until.ts';

const v1Card = (title: string) => ({ config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

type ClickOutcome = { callback_id: string; status: string; error_code: number | null; toast: Record<string, unknown> | null; card_updated: boolean; token: string };
type CallbackRecord = { callback_id: string; style: string; encrypted: boolean; response_status: number | null; response_body: string | null; status: string; card_updated: boolean };
type InboxItem = { message_id: string; content: Record<string, unknown>; card_state?: Record<string, unknown> };

const flip = (text: string, at: number) => text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);

describe('card action callbacks at /feishu/:connection/cards, clicked in the emulator', () => {
  const startEmulatedGateway = gatewaysAgainstEmulators();

  /** The emulator and a gateway pointed at it, with a group of one person and the app's bot. */
  async function start(seed: number) {
    const { emulator, gateway, app, log } = await startEmulatedGateway(seed, { logLevel: 'info' });
    const actions = gateway.events.cardActions;
    const baseUrl = gateway.url;
    const cardsUrl = `${baseUrl}/feishu/default/cards`;
    const configure = (settings: Record<string, unknown>) => control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, settings);
    await configure({ card_request_url: cardsUrl });

    const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
    const alice = [...(tenant?.users.values() ?? [])].find((user) => !user.deleted && !user.status.isResigned)?.userId ?? '';
    const { chat_id: chatId } = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { name: 'Cards', user_ids: [alice], bot_app_ids: [app.appId] });
    const sendCard = async (card: object) => {
      const sent = await gateway.feishu.client('default').im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) } });
      return sent.data?.message_id ?? '';
    };
    const click = (messageId: string, action: Record<string, unknown>) => control<ClickOutcome>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: alice, action });
    const cardOf = async (messageId: string) => (await control<{ items: InboxItem[] }>(emulator, 'GET', `/_emulator/inbox/${chatId}`)).items.find((item) => item.message_id === messageId);
    const callbackLog = async (messageId: string) => (await control<{ items: CallbackRecord[] }>(emulator, 'GET', `/_emulator/cards/callbacks?message_id=${messageId}`)).items;
    const metricsText = async () => await (await fetch(`${baseUrl}/metrics`)).text();
    return { emulator, app, alice, chatId, actions, log, cardsUrl, baseUrl, configure, sendCard, click, cardOf, callbackLog, metricsText };
  }

  it('answers an encrypted card.action.trigger with the handler\'s toast and card, which the emulator applies', async () => {
    const { app, alice, chatId, actions, sendCard, click, cardOf, callbackLog, metricsText } = await start(601);
    expect(app.encryptKey).toBeTruthy();
    const seen: CardCallback[] = [];
    actions.on('decision', async (callback) => {
      seen.push(callback);
      return { toast: { type: 'success', content: 'Approved' }, card: v2Card('Approved by you') };
    });
    const messageId = await sendCard(v2Card('Approve the leave request?'));

    const outcome = await click(messageId, { tag: 'button', value: { decision: 'approve' } });
    expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: { type: 'success', content: 'Approved' }, card_updated: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ style: 'v2', callbackId: outcome.callback_id, token: outcome.token, openMessageId: messageId, openChatId: chatId, operator: { userId: alice }, action: { tag: 'button', value: { decision: 'approve' } } });
    expect((await cardOf(messageId))?.content).toEqual(v2Card('Approved by you'));
    const [record] = await callbackLog(messageId);
    expect(record).toMatchObject({ style: 'v2', encrypted: true, response_status: 200, status: 'answered' });
    expect(JSON.parse(record?.response_body ?? '')).toEqual({ toast: { type: 'success', content: 'Approved' }, card: { type: 'raw', data: v2Card('Approved by you') } });
    expect(await metricsText()).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="answered"\} 1/);
  });

  it('verifies an old-style callback by SHA-1 and answers with the replacement card itself', async () => {
    const { configure, actions, sendCard, click, cardOf, callbackLog } = await start(602);
    await configure({ card_callback_style: 'legacy' });
    const seen: CardCallback[] = [];
    actions.on((callback) => callback.action['tag'] === 'select_static', async (callback) => {
      seen.push(callback);
      return { toast: { type: 'info', content: 'Noted' }, card: v1Card(`You chose ${String(callback.action['option'])}`) };
    });
    const messageId = await sendCard(v1Card('Coffee?'));

    const outcome = await click(messageId, { tag: 'select_static', value: { q: 'coffee' }, option: 'latte' });
    expect(outcome).toMatchObject({ status: 'answered', toast: { type: 'info', content: 'Noted' }, card_updated: true });
    expect(seen.map((callback) => [callback.style, callback.openMessageId])).toEqual([['legacy', messageId]]);
    expect((await cardOf(messageId))?.content).toEqual(v1Card('You chose latte'));
    const [record] = await callbackLog(messageId);
    expect(record).toMatchObject({ style: 'legacy', encrypted: false, status: 'answered' });
    expect(JSON.parse(record?.response_body ?? '')).toEqual({ ...v1Card('You chose latte'), toast: { type: 'info', content: 'Noted' } });
  });

  it('answers {} when the handler runs past the budget, then applies its card with the delayed-update API', async () => {
    const { actions, sendCard, click, cardOf, callbackLog, metricsText } = await start(603);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    actions.on('slow', async () => {
      // Held until the click has been answered: the handler is late however fast the machine is.
      await released;
      return { toast: { type: 'success', content: 'never shown' }, card: v2Card('Done, eventually') };
    });
    const messageId = await sendCard(v2Card('Working…'));

    const outcome = await click(messageId, { tag: 'button', value: { slow: true } });
    expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: null, card_updated: false });
    expect((await callbackLog(messageId)).map((record) => [record.status, record.response_body])).toEqual([['answered', '{}']]);
    expect((await cardOf(messageId))?.content).toEqual(v2Card('Working…'));

    release();
    const updated = await until(async () => {
      const item = await cardOf(messageId);
      return item?.card_state?.['delayed_updates'] === 1 ? item : undefined;
    });
    expect(updated.content).toEqual(v2Card('Done, eventually'));
    const metrics = await metricsText();
    expect(metrics).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="deferred"\} 1/);
    expect(metrics).toMatch(/feishu_card_deferred_total\{result="updated"\} 1/);
  });

  it('answers {} and keeps the card when the handler throws or none matches, logging the callback id but not the payload', async () => {
    const { actions, log, sendCard, click, cardOf, callbackLog, metricsText } = await start(604);
    actions.on('explode', async () => {
      throw new Error('the approvals service is down');
    });
    const messageId = await sendCard(v2Card('Try me'));

    const failed = await click(messageId, { tag: 'button', value: { explode: 'payload-marker-1' } });
    const ignored = await click(messageId, { tag: 'button', value: { unknown: 'payload-marker-2' } });
    for (const outcome of [failed, ignored]) expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: null, card_updated: false });
    expect((await callbackLog(messageId)).map((record) => record.response_body)).toEqual(['{}', '{}']);
    expect((await cardOf(messageId))?.content).toEqual(v2Card('Try me'));

    const lines = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line['msg'] === 'card handler failed; answered {} so the card stays as it was')).toMatchObject({ callbackId: failed.callback_id, tag: 'button' });
    expect(lines.filter((line) => line['msg'] === 'card callback answered').map((line) => [line['callbackId'], line['outcome']])).toEqual([
      [failed.callback_id, 'failed'],
      [ignored.callback_id, 'no_handler'],
    ]);
    expect(log.text()).not.toContain('payload-marker');
    const metrics = await metricsText();
    expect(metrics).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="failed"\} 1/);
    expect(metrics).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="no_handler"\} 1/);
  });

  it('refuses a forged callback with 401 without calling the handler, and ignores a stale one', async () => {
    const { app, alice, actions, cardsUrl, baseUrl, metricsText } = await start(605);
    const calls: CardCallback[] = [];
    actions.on('go', async (callback) => {
      calls.push(callback);
      return { toast: { type: 'info', content: 'ok' } };
    });
    const trigger = {
      schema: '2.0',
      header: { event_id: 'ev-card-forged', event_type: 'card.action.trigger', create_time: String(Date.now()), token: app.verificationToken, app_id: app.appId, tenant_key: 't-1' },
      event: { operator: { tenant_key: 't-1', open_id: 'ou_1', user_id: alice }, token: 'c-0123', action: { tag: 'button', value: { go: 1 } }, host: 'im_message', context: { open_message_id: 'om_1', open_chat_id: 'oc_1' } },
    };
    const v2 = signedPush(app.encryptKey ?? '', JSON.stringify(trigger));
    const legacyFields = { open_id: 'ou_1', open_message_id: 'om_1', tenant_key: 't-1', token: 'c-0456', action: { tag: 'button', value: { go: 2 } } };
    // Old-style callbacks come in plain, signed with SHA-1 over the Verification Token (§4.2).
    const legacy = signedRequest(app.verificationToken, JSON.stringify(legacyFields), { algorithm: 'sha1' });
    const post = (request: { body: string; headers: Record<string, string> }, url = cardsUrl) => fetch(url, { method: 'POST', headers: request.headers, body: request.body });

    for (const request of [v2, legacy]) {
      const forged = await post({ ...request, headers: { ...request.headers, 'x-lark-signature': flip(request.headers['x-lark-signature'], 7) } });
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('events.signature_invalid');
    }
    expect(calls).toHaveLength(0);

    // A legacy callback signed two days ago: genuine, but a replay (Feishu never resends callbacks).
    const stale = await post(signedRequest(app.verificationToken, JSON.stringify(legacyFields), { algorithm: 'sha1', timestamp: String(Math.floor(Date.now() / 1000) - 2 * 86_400) }));
    expect(stale.status).toBe(200);
    expect(await stale.json()).toEqual({});
    expect(calls).toHaveLength(0);

    const unknown = await post(v2, `${baseUrl}/feishu/nobody/cards`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('events.unknown_connection');

    // The untouched requests are accepted, so the refusals were about the flipped byte.
    expect(await (await post(v2)).json()).toEqual({ toast: { type: 'info', content: 'ok' } });
    expect(await (await post(legacy)).json()).toEqual({ toast: { type: 'info', content: 'ok' } });
    expect(calls.map((callback) => [callback.style, callback.token])).toEqual([
      ['v2', 'c-0123'],
      ['legacy', 'c-0456'],
    ]);
    const metrics = await metricsText();
    expect(metrics).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="events.signature_invalid"\} 2/);
    expect(metrics).toMatch(/feishu_card_callbacks_total\{connection="default",outcome="stale"\} 1/);
  });
});
