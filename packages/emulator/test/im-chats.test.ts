import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { openId, someUsers } from './im-support.ts';
import { eventually } from './support/eventually.ts';
import { outcome } from './support/outcome.ts';
import { sdkReceiver } from './support/sdk-receiver.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

describe('IM v1 chats', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('creates a group with the bot in it, lists the bot\'s groups page by page and lists members without bots', async () => {
    emulator = await perTest.start({ seed: 131, users: 30, rateLimitMultiplier: 0 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const members = someUsers(emulator, 3);
    const [owner = ''] = members;
    const created = await client.im.v1.chat.create({
      params: { user_id_type: 'user_id' },
      data: { name: 'Launch room', description: 'go/no-go', owner_id: owner, user_id_list: members },
    });
    expect(created.data).toMatchObject({
      chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/) as unknown,
      name: 'Launch room',
      description: 'go/no-go',
      owner_id: owner,
      owner_id_type: 'user_id',
      chat_mode: 'group',
      chat_type: 'private',
      external: false,
      tenant_key: emulator.state.defaultTenantKey,
    });
    const chatId = created.data?.chat_id ?? '';

    for (let index = 0; index < 2; index += 1) await client.im.v1.chat.create({ data: { name: `Extra ${index}` } });
    // A p2p chat (made by messaging a user) is never listed.
    await client.im.v1.message.create({ params: { receive_id_type: 'user_id' }, data: { receive_id: owner, msg_type: 'text', content: JSON.stringify({ text: 'hi' }) } });
    const first = await client.im.v1.chat.list({ params: { page_size: 2 } });
    expect(first.data?.items?.map((chat) => chat.name)).toEqual(['Launch room', 'Extra 0']);
    expect(first.data?.has_more).toBe(true);
    const second = await client.im.v1.chat.list({ params: { page_size: 2, page_token: first.data?.page_token ?? '' } });
    expect(second.data?.items?.map((chat) => chat.name)).toEqual(['Extra 1']);
    expect(second.data).toMatchObject({ has_more: false });
    expect(second.data).not.toHaveProperty('page_token');
    expect(second.data?.items?.[0]).toMatchObject({ chat_status: 'normal', tenant_key: emulator.state.defaultTenantKey });

    const page = await client.im.v1.chatMembers.get({ path: { chat_id: chatId }, params: { member_id_type: 'open_id', page_size: 2 } });
    expect(page.data).toMatchObject({ member_total: 3, has_more: true });
    expect(page.data?.items?.[0]).toMatchObject({ member_id_type: 'open_id', member_id: openId(emulator, app, owner), tenant_key: emulator.state.defaultTenantKey });
    const rest = await client.im.v1.chatMembers.get({ path: { chat_id: chatId }, params: { member_id_type: 'user_id', page_size: 2, page_token: page.data?.page_token ?? '' } });
    expect(rest.data?.items?.map((item) => item.member_id)).toEqual([members[2]]);
  });

  it('refuses unknown users (232043), unknown bots (232021), unknown chats (232006) and chats the bot is not in (232011)', async () => {
    emulator = await perTest.start({ seed: 132, users: 10 });
    const client = sdkClient(emulator, emulator.defaultApp());
    expect(await outcome(client.im.v1.chat.create({ data: { user_id_list: ['ou_nobody'] } }))).toEqual({ status: 400, code: 232043 });
    expect(await outcome(client.im.v1.chat.create({ data: { bot_id_list: ['cli_0000000000000000'] } }))).toEqual({ status: 400, code: 232021 });
    expect(await outcome(client.im.v1.chatMembers.get({ path: { chat_id: 'oc_nothing' } }))).toEqual({ status: 400, code: 232006 });
    const foreign = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { user_ids: someUsers(emulator, 2) });
    expect(await outcome(client.im.v1.chatMembers.get({ path: { chat_id: foreign.chat_id } }))).toEqual({ status: 400, code: 232011 });
  });

  it('tells a bot added to a group with im.chat.member.bot.added_v1, received by the SDK\'s EventDispatcher', async () => {
    emulator = await perTest.start({ seed: 133, users: 10 });
    const app = emulator.defaultApp();
    const receiver = await sdkReceiver({ encryptKey: app.encryptKey ?? null, verificationToken: app.verificationToken, events: ['im.chat.member.bot.added_v1'] });
    perTest.onCleanup(receiver.close);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: receiver.url, subscribed_events: ['im.chat.member.bot.added_v1'] });

    const [owner = '', member = ''] = someUsers(emulator, 2);
    const chat = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { name: 'Ops', owner_user_id: owner, user_ids: [member] });
    const added = await control<{ added: boolean; bot_app_ids: string[] }>(emulator, 'POST', `/_emulator/chats/${chat.chat_id}/bots`, { app_id: app.appId });
    expect(added).toMatchObject({ added: true, bot_app_ids: [app.appId] });
    await eventually(() => receiver.received.length === 1);
    expect(receiver.received[0]?.data).toMatchObject({
      event_type: 'im.chat.member.bot.added_v1',
      app_id: app.appId,
      tenant_key: emulator.state.defaultTenantKey,
      chat_id: chat.chat_id,
      name: 'Ops',
      external: false,
      operator_id: { open_id: openId(emulator, app, owner) },
    });

    const again = await control<{ added: boolean }>(emulator, 'POST', `/_emulator/chats/${chat.chat_id}/bots`, { app_id: app.appId });
    expect(again.added).toBe(false);
    const client = sdkClient(emulator, app);
    const listed = await client.im.v1.chat.list({});
    expect(listed.data?.items?.map((item) => item.chat_id)).toEqual([chat.chat_id]);
  });
});
