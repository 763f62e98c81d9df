import type * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { group, inbox, openId, someUsers } from './im-support.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { outcome } from './support/outcome.ts';
import { serve } from './support/serve.ts';
import { control, sdkClient } from './support/sdk.ts';

const v1Card = (title: string, shared = true) => ({ config: { update_multi: shared }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

/**
 * The delayed update call. The SDK has no generated method for it (1.74.0), so the test uses the
 * SDK's generic `request`, which adds the tenant_access_token like the generated methods do.
 */
const delayedUpdate = (client: lark.Client, data: Record<string, unknown>) => client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data });

describe('delayed card update (interactive/v1/card/update)', () => {
  const perTest = emulatorPerTest();

  /** A card in a group, a receiver that answers `{}`, and one click's token. */
  async function clicked(seed: number, card: Record<string, unknown>) {
    const emulator = await perTest.start({ seed, users: 10, rateLimitMultiplier: 0 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [alice = '', bob = '', outsider = ''] = someUsers(emulator, 3);
    const chatId = await group(emulator, [alice, bob], [app.appId]);
    const receiver = perTest.track(await serve((_request, response) => void response.writeHead(200).end('{}')));
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { card_request_url: receiver.url });
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card) } });
    const messageId = sent.data?.message_id ?? '';
    const click = await control<{ status: string; token: string }>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: alice });
    expect(click.status).toBe('answered');
    const content = async () => (await inbox(emulator, chatId)).items.find((item) => item.message_id === messageId)?.content;
    return { emulator, app, client, alice, outsider, chatId, messageId, token: click.token, content };
  }

  it('lets a callback token update the card twice, then answers 300040', async () => {
    const { client, token, content, emulator, chatId, messageId } = await clicked(421, v1Card('Pending'));
    expect(await delayedUpdate(client, { token, card: v1Card('Step 1') })).toEqual({ code: 0, msg: 'ok' });
    expect(await content()).toEqual(v1Card('Step 1'));
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('Step 2') }))).toEqual({ status: 200, code: 0 });
    expect(await content()).toEqual(v1Card('Step 2'));
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('Step 3') }))).toEqual({ status: 400, code: 300040 });
    expect(await content()).toEqual(v1Card('Step 2'));
    const item = (await inbox(emulator, chatId)).items.find((entry) => entry.message_id === messageId) as Record<string, unknown> | undefined;
    expect(item?.['card_state']).toMatchObject({ delayed_updates: 2 });
  });

  it('refuses a token more than 30 emulated minutes old (300030), but not one just under', async () => {
    const { client, token, emulator } = await clicked(422, v1Card('Pending'));
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 29 * 60 });
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('In time') }))).toEqual({ status: 200, code: 0 });
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 60 });
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('Too late') }))).toEqual({ status: 400, code: 300030 });
  });

  it('keeps a 2.0 card 2.0 (200830) and validates the card (10002, 11311) without using the token up', async () => {
    const { client, token, content } = await clicked(423, v2Card('Pending'));
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('1.0 again') }))).toEqual({ status: 400, code: 200830 });
    expect(await outcome(delayedUpdate(client, { token }))).toEqual({ status: 400, code: 10002 });
    expect(await outcome(delayedUpdate(client, { token, card: { nothing: true } }))).toEqual({ status: 400, code: 11311 });
    expect(await content()).toEqual(v2Card('Pending'));
    // Refused calls do not count: two updates are still allowed.
    expect(await outcome(delayedUpdate(client, { token, card: v2Card('Done') }))).toEqual({ status: 200, code: 0 });
    expect(await outcome(delayedUpdate(client, { token, card: v2Card('Done again') }))).toEqual({ status: 200, code: 0 });
    expect(await content()).toEqual(v2Card('Done again'));
  });

  it('requires open_ids of people in the chat for an exclusive 1.0 card (300090, 200320)', async () => {
    const { client, token, content, emulator, app, alice, outsider } = await clicked(424, v1Card('Just for you', false));
    expect(await outcome(delayedUpdate(client, { token, card: v1Card('Exclusive', false) }))).toEqual({ status: 400, code: 300090 });
    expect(await outcome(delayedUpdate(client, { token, card: { ...v1Card('Exclusive', false), open_ids: [openId(emulator, app, outsider)] } }))).toEqual({ status: 400, code: 200320 });
    expect(await outcome(delayedUpdate(client, { token, card: { ...v1Card('Exclusive', false), open_ids: [openId(emulator, app, alice)] } }))).toEqual({ status: 200, code: 0 });
    // open_ids is an instruction, not part of the card.
    expect(await content()).toEqual(v1Card('Exclusive', false));
  });

  it('refuses malformed tokens (300020), unknown ones (300030) and tokens of another app (200310)', async () => {
    const { client, token, emulator, chatId } = await clicked(425, v1Card('Pending'));
    expect(await outcome(delayedUpdate(client, { token: 't-not-a-card-token', card: v1Card('x') }))).toEqual({ status: 400, code: 300020 });
    expect(await outcome(delayedUpdate(client, { card: v1Card('x') }))).toEqual({ status: 400, code: 300020 });
    expect(await outcome(delayedUpdate(client, { token: 'c-0000', card: v1Card('x') }))).toEqual({ status: 400, code: 300030 });

    const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    await control(emulator, 'POST', `/_emulator/chats/${chatId}/bots`, { app_id: other.app_id });
    const otherClient = sdkClient(emulator, { appId: other.app_id, appSecret: other.app_secret });
    expect(await outcome(delayedUpdate(otherClient, { token, card: v1Card('x') }))).toEqual({ status: 400, code: 200310 });
  });
});
