import type http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { group, inbox, openId, someUsers } from './im-support.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { serve } from './support/serve.ts';
import { control, openApi, sdkClient, silentLogger } from './support/sdk.ts';

const v1Card = (title: string) => ({ config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

type AppView = { app_id: string; encrypt_key: string; verification_token: string };
type ClickOutcome = { callback_id: string; status: string; error_code: number | null; error: string | null; toast: Record<string, unknown> | null; card_updated: boolean; token: string };
type CallbackRecord = Record<string, unknown> & { request: Record<string, unknown>; status: string; error_code: number | null };

describe('card action callbacks over HTTP', () => {
  const perTest = emulatorPerTest();

  /** An emulator with a group of two people and the default app's bot, and a way to send it cards. */
  async function setUp(seed: number) {
    const emulator = await perTest.start({ seed, users: 10, rateLimitMultiplier: 0 });
    const app = await control<AppView>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    const client = sdkClient(emulator, emulator.defaultApp());
    const [alice = '', outsider = ''] = someUsers(emulator, 3).slice(1);
    const chatId = await group(emulator, [alice], [app.app_id]);
    const sendCard = async (card: Record<string, unknown>) => {
      const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) } });
      return sent.data?.message_id ?? '';
    };
    const configure = (settings: Record<string, unknown>) => control(emulator, 'PATCH', `/_emulator/apps/${app.app_id}`, settings);
    const click = (messageId: string, extra: Record<string, unknown> = {}) => control<ClickOutcome>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: alice, ...extra });
    return { emulator, app, client, alice, outsider, chatId, sendCard, configure, click };
  }

  const cardOf = async (emulator: Emulator, chatId: string, messageId: string) => (await inbox(emulator, chatId)).items.find((item) => item.message_id === messageId) as (Record<string, unknown> & { content: Record<string, unknown> }) | undefined;
  const callbacks = async (emulator: Emulator, query: string) => (await control<{ items: CallbackRecord[] }>(emulator, 'GET', `/_emulator/cards/callbacks?${query}`)).items;

  /** A receiver answering every request with `status` and `body` as given. */
  const fixedReceiver = async (status: number, body: string) => perTest.track(await serve((_request, response) => void response.writeHead(status, { 'content-type': 'application/json' }).end(body)));

  it('sends card.action.trigger to the SDK EventDispatcher (encrypted, signed) and applies its toast and card', async () => {
    const { emulator, app, alice, chatId, sendCard, configure, click } = await setUp(401);
    expect(app.encrypt_key).not.toBe('');
    const received: Record<string, unknown>[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, logger: silentLogger }).register({
      'card.action.trigger': async (data: Record<string, unknown>) => {
        received.push(data);
        return { toast: { type: 'success', content: 'Approved' }, card: { type: 'raw', data: v2Card('Approved by you') } };
      },
    });
    const handle = lark.adaptDefault('/events', dispatcher, { autoChallenge: true });
    const receiver = perTest.track(await serve((request: http.IncomingMessage, response: http.ServerResponse) => void handle(request, response)));
    await configure({ card_request_url: receiver.url });
    const messageId = await sendCard(v2Card('Approve the leave request?'));

    const outcome = await click(messageId, { action: { tag: 'button', value: { decision: 'approve' } } });
    expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: { type: 'success', content: 'Approved' }, card_updated: true });
    expect(outcome.token).toMatch(/^c-[0-9a-f]{40}$/);

    // The SDK dispatches only after decrypting and checking the SHA-256 signature.
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      schema: '2.0',
      event_type: 'card.action.trigger',
      app_id: app.app_id,
      token: outcome.token,
      operator: { tenant_key: emulator.state.defaultTenantKey, user_id: alice, open_id: openId(emulator, emulator.defaultApp(), alice) },
      action: { tag: 'button', value: { decision: 'approve' } },
      host: 'im_message',
      context: { open_message_id: messageId, open_chat_id: chatId },
    });

    const item = await cardOf(emulator, chatId, messageId);
    expect(JSON.stringify(item?.content)).toContain('Approved by you');
    expect(item?.['card_state']).toMatchObject({ last_toast: { type: 'success', content: 'Approved' }, updated_by_callback: true, last_action: { tag: 'button', user_id: alice } });

    const [record] = await callbacks(emulator, `app_id=${app.app_id}&message_id=${messageId}`);
    expect(record).toMatchObject({ callback_id: outcome.callback_id, style: 'v2', mode: 'http', encrypted: true, response_status: 200, status: 'answered', token: outcome.token });
    expect(record?.request).toMatchObject({ schema: '2.0', header: { event_id: outcome.callback_id, event_type: 'card.action.trigger' } });
    expect(await callbacks(emulator, 'message_id=om_none')).toEqual([]);
  });

  it('leaves user_id out of the operator without contact:user.employee_id:readonly', async () => {
    const { emulator, alice, sendCard, configure, click } = await setUp(402);
    const receiver = await fixedReceiver(200, '{}');
    await configure({ card_request_url: receiver.url, encrypt_key: null, scopes: ['im:message'] });
    const messageId = await sendCard(v1Card('Hello'));
    const outcome = await click(messageId);
    expect(outcome).toMatchObject({ status: 'answered', card_updated: false, toast: null });
    const [record] = await callbacks(emulator, `message_id=${messageId}`);
    const operator = (record?.request['event'] as { operator: Record<string, unknown> }).operator;
    expect(operator).toEqual({ tenant_key: emulator.state.defaultTenantKey, open_id: openId(emulator, emulator.defaultApp(), alice), union_id: expect.stringMatching(/^on_/) as unknown });
    expect(record).toMatchObject({ encrypted: false });
  });

  it('sends an old-style callback that the SDK CardActionHandler verifies with the Verification Token', async () => {
    const { emulator, app, alice, chatId, sendCard, configure, click } = await setUp(403);
    const seen: Record<string, unknown>[] = [];
    const cardServer = async (verificationToken: string) => {
      const handler = new lark.CardActionHandler({ verificationToken, encryptKey: '', logger: silentLogger }, async (data: Record<string, unknown>) => {
        seen.push(data);
        return { toast: { type: 'info', content: 'Noted' }, ...v1Card('Noted, thanks') };
      });
      const handle = lark.adaptDefault('/events', handler);
      return perTest.track(await serve((request: http.IncomingMessage, response: http.ServerResponse) => void handle(request, response)));
    };
    const messageId = await sendCard(v1Card('Coffee?'));

    // A handler holding another token rejects the SHA-1 signature: it is never called, and its
    // empty answer is not a valid callback answer.
    await configure({ card_callback_style: 'legacy', card_request_url: (await cardServer('not-the-token')).url });
    expect(await click(messageId, { action: { value: 'yes' } })).toMatchObject({ status: 'failed', error_code: 200672, card_updated: false });
    expect(seen).toHaveLength(0);

    await configure({ card_request_url: (await cardServer(app.verification_token)).url });
    const outcome = await click(messageId, { action: { tag: 'select_static', value: { q: 'coffee' }, option: 'latte' } });
    expect(outcome).toMatchObject({ status: 'answered', toast: { type: 'info', content: 'Noted' }, card_updated: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      open_id: openId(emulator, emulator.defaultApp(), alice),
      user_id: alice,
      open_message_id: messageId,
      open_chat_id: chatId,
      tenant_key: emulator.state.defaultTenantKey,
      token: outcome.token,
      action: { tag: 'select_static', value: { q: 'coffee' }, option: 'latte' },
    });
    expect(seen[0]).not.toHaveProperty('schema');

    const item = await cardOf(emulator, chatId, messageId);
    expect(item?.content).toEqual(v1Card('Noted, thanks'));
    expect(item?.['card_state']).toMatchObject({ last_toast: { type: 'info', content: 'Noted' }, updated_by_callback: true });
    const records = await callbacks(emulator, `message_id=${messageId}`);
    expect(records.map((record) => [record['style'], record.status])).toEqual([['legacy', 'failed'], ['legacy', 'answered']]);
    expect(records[1]?.request).not.toHaveProperty('schema');
  });

  it('refuses an answer that would turn a 2.0 card into a 1.0 card (200830) and keeps the card', async () => {
    const { emulator, chatId, sendCard, configure, click } = await setUp(404);
    const receiver = await fixedReceiver(200, JSON.stringify({ toast: { type: 'success', content: 'Done' }, card: { type: 'raw', data: v1Card('Back to 1.0') } }));
    await configure({ card_request_url: receiver.url });
    const messageId = await sendCard(v2Card('Version two'));
    expect(await click(messageId)).toMatchObject({ status: 'failed', error_code: 200830, toast: null, card_updated: false });
    const item = await cardOf(emulator, chatId, messageId);
    expect(item?.content).toEqual(v2Card('Version two'));
    expect(item?.['card_state']).toMatchObject({ last_toast: null, updated_by_callback: false, last_action: { error_code: 200830 } });
  });

  it('reports non-200 answers (200671), malformed answers (200672), bad cards (200673) and refused connections (200342)', async () => {
    const { emulator, sendCard, configure, click } = await setUp(405);
    const messageId = await sendCard(v1Card('Ping'));
    const cases: [number, string, number][] = [
      [500, '{}', 200671],
      [302, '{}', 200671],
      [200, 'not json', 200672],
      [200, '', 200672],
      [200, JSON.stringify({ toast: 'hi' }), 200672],
      [200, JSON.stringify({ card: { type: 'raw', data: { nothing: true } } }), 200673],
      [200, JSON.stringify({ card: v1Card('no wrapper') }), 200673],
    ];
    for (const [status, body, code] of cases) {
      await configure({ card_request_url: (await fixedReceiver(status, body)).url });
      expect(await click(messageId), `${status} ${body}`).toMatchObject({ status: 'failed', error_code: code, card_updated: false });
    }
    const closed = await serve(() => {});
    await closed.close();
    await configure({ card_request_url: closed.url });
    expect(await click(messageId)).toMatchObject({ status: 'failed', error_code: 200342 });
    const records = await callbacks(emulator, `message_id=${messageId}`);
    expect(records.map((record) => record.error_code)).toEqual([...cases.map(([, , code]) => code), 200342]);
    expect(records[0]).toMatchObject({ response_status: 500, response_body: '{}' });
  });

  it('gives up after 3 s without an answer (200341); no retry', async () => {
    const { emulator, sendCard, configure, click } = await setUp(406);
    let requests = 0;
    const silent = perTest.track(
      await serve((request) => {
        requests += 1;
        request.resume();
      }),
    );
    await configure({ card_request_url: silent.url });
    const messageId = await sendCard(v1Card('Slow'));
    expect(await click(messageId)).toMatchObject({ status: 'failed', error_code: 200341 });
    expect(requests).toBe(1);
    expect((await callbacks(emulator, `message_id=${messageId}`))[0]).toMatchObject({ response_status: null, error: expect.stringMatching(/^timeout/) as unknown });
  });

  it('refuses clicks that cannot happen with a 4xx control error', async () => {
    const { emulator, client, chatId, outsider, alice, sendCard, configure } = await setUp(407);
    const messageId = await sendCard(v1Card('Hi'));
    const text = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'plain' }) } });
    const clickRaw = (body: unknown) => openApi(emulator, 'POST', '/_emulator/cards/click', { body });

    // No card request URL yet in HTTP mode.
    expect(await clickRaw({ message_id: messageId, user_id: alice })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    await configure({ card_request_url: (await fixedReceiver(200, '{}')).url });

    expect(await clickRaw({ user_id: alice })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await clickRaw({ message_id: 'om_nothing', user_id: alice })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await clickRaw({ message_id: text.data?.message_id, user_id: alice })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await clickRaw({ message_id: messageId })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await clickRaw({ message_id: messageId, user_id: 'nobody' })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await clickRaw({ message_id: messageId, user_id: outsider })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await clickRaw({ message_id: messageId, user_id: alice, action: { value: 7 } })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await clickRaw({ message_id: messageId, user_id: alice, action: { options: 'a' } })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    // None of the refusals reached the app.
    expect(await callbacks(emulator, '')).toEqual([]);
    expect(await clickRaw({ message_id: messageId, user_id: alice })).toMatchObject({ status: 200, body: { status: 'answered' } });
  });

  it('fails callbacks of apps in long-connection mode with 200340 while no client is connected', async () => {
    const { sendCard, configure, click } = await setUp(408);
    await configure({ callback_mode: 'websocket' });
    const messageId = await sendCard(v1Card('Over WS'));
    expect(await click(messageId)).toMatchObject({ status: 'failed', error_code: 200340 });
  });
});
