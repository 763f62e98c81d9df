import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { group, inbox, someUsers } from './im-support.ts';
import { outcome } from './support/outcome.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const shared = (title: string) => JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const exclusive = (title: string) => JSON.stringify({ elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });
const v2 = (title: string) => JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

describe('IM v1 card patch', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  async function setUp(seed: number) {
    emulator = await perTest.start({ seed, users: 10, rateLimitMultiplier: 0 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const chatId = await group(emulator, someUsers(emulator, 2), [app.appId]);
    const sendCard = async (content: string) =>
      (await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content } })).data?.message_id ?? '';
    const patch = (messageId: string, content: string) => outcome(client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
    return { emulator, app, client, chatId, sendCard, patch };
  }

  it('updates a shared card and the inbox shows the new card', async () => {
    const { emulator: emu, client, chatId, sendCard } = await setUp(121);
    const messageId = await sendCard(shared('Pending'));
    const result = await client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: shared('Approved') } });
    expect(result).toMatchObject({ code: 0, data: {} });
    const [item] = (await inbox(emu, chatId)).items;
    expect(item).toMatchObject({ message_id: messageId, msg_type: 'interactive', patch_count: 1, updated: false });
    expect(JSON.stringify(item?.content)).toContain('Approved');
    const got = await client.im.v1.message.get({ path: { message_id: messageId } });
    expect(got.data?.items?.[0]?.body?.content).toBe(shared('Approved'));
  });

  it('requires config.update_multi in both the old and the new card (230001)', async () => {
    const { sendCard, patch } = await setUp(122);
    const exclusiveCard = await sendCard(exclusive('Old'));
    expect(await patch(exclusiveCard, shared('New'))).toEqual({ status: 400, code: 230001 });
    const sharedCard = await sendCard(shared('Old'));
    expect(await patch(sharedCard, exclusive('New'))).toEqual({ status: 400, code: 230001 });
    expect(await patch(sharedCard, shared('New'))).toEqual({ status: 200, code: 0 });
  });

  it('treats 2.0 cards as shared and refuses to turn them into 1.0 cards', async () => {
    const { sendCard, patch } = await setUp(123);
    const card = await sendCard(v2('Old'));
    expect(await patch(card, v2('New'))).toEqual({ status: 200, code: 0 });
    expect(await patch(card, shared('Back to 1.0'))).toEqual({ status: 400, code: 230001 });
  });

  it('refuses non-cards (230001), bad cards (230099), other apps (230027) and cards older than 14 days (230031)', async () => {
    const { emulator: emu, client, chatId, sendCard, patch } = await setUp(124);
    const textMessage = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'hi' }) } });
    expect(await patch(textMessage.data?.message_id ?? '', shared('x'))).toEqual({ status: 400, code: 230001 });

    const card = await sendCard(shared('Old'));
    expect(await patch(card, JSON.stringify({ nothing: true }))).toEqual({ status: 400, code: 230099 });

    const other = await control<{ app_id: string; app_secret: string }>(emu, 'POST', '/_emulator/apps', { type: 'self_built' });
    await control(emu, 'POST', `/_emulator/chats/${chatId}/bots`, { app_id: other.app_id });
    const otherClient = sdkClient(emu, { appId: other.app_id, appSecret: other.app_secret });
    expect(await outcome(otherClient.im.v1.message.patch({ path: { message_id: card }, data: { content: shared('x') } }))).toEqual({ status: 400, code: 230027 });

    await control(emu, 'POST', '/_emulator/clock/advance', { seconds: 14 * 24 * 3600 + 1 });
    // A fresh client: the first one's cached token expired with the emulated fortnight.
    const later = sdkClient(emu, emu.defaultApp());
    expect(await outcome(later.im.v1.message.patch({ path: { message_id: card }, data: { content: shared('Too late') } }))).toEqual({ status: 400, code: 230031 });
  });
});
