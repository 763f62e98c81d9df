import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { emailOf, group, inbox, openId, someUsers } from './im-support.ts';
import { outcome } from './support/outcome.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const text = (value: string) => JSON.stringify({ text: value });

describe('IM v1 messages', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('sends to a user by open_id, union_id, user_id and email, all into one p2p chat, and to a group by chat_id', async () => {
    emulator = await perTest.start({ seed: 101, users: 20 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [userId = ''] = someUsers(emulator, 1);
    const user = emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.get(userId);
    const receivers = [
      ['open_id', openId(emulator, app, userId)],
      ['union_id', user?.unionId ?? ''],
      ['user_id', userId],
      ['email', emailOf(emulator, userId).toUpperCase()],
    ] as const;
    const chatIds = new Set<string>();
    for (const [type, id] of receivers) {
      const sent = await client.im.v1.message.create({ params: { receive_id_type: type }, data: { receive_id: id, msg_type: 'text', content: text(`by ${type}`) } });
      expect(sent.code).toBe(0);
      expect(sent.data).toMatchObject({
        message_id: expect.stringMatching(/^om_[0-9a-f]{32}$/) as unknown,
        chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/) as unknown,
        msg_type: 'text',
        create_time: expect.stringMatching(/^\d{13}$/) as unknown,
        deleted: false,
        updated: false,
        sender: { id: app.appId, id_type: 'app_id', sender_type: 'app', tenant_key: emulator.state.defaultTenantKey },
        body: { content: text(`by ${type}`) },
      });
      chatIds.add(sent.data?.chat_id ?? '');
    }
    expect(chatIds.size).toBe(1);

    const chatId = await group(emulator, someUsers(emulator, 3), [app.appId]);
    const toGroup = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: text('hello group') } });
    expect(toGroup.data?.chat_id).toBe(chatId);

    const userInbox = await inbox(emulator, userId);
    expect(userInbox.type).toBe('user');
    expect(userInbox.items.map((item) => item.content['text'])).toEqual(['by open_id', 'by union_id', 'by user_id', 'by email']);
    expect(userInbox.items[0]?.sender).toEqual({ sender_type: 'app', app_id: app.appId });
    expect((await inbox(emulator, chatId)).items.map((item) => item.content['text'])).toEqual(['hello group']);
  });

  it('refuses unknown receivers with 230034, resigned users with 230029 and groups without the bot with 230002', async () => {
    emulator = await perTest.start({ seed: 102, users: 20 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const send = (type: 'open_id' | 'email' | 'chat_id' | 'user_id', id: string) =>
      outcome(client.im.v1.message.create({ params: { receive_id_type: type }, data: { receive_id: id, msg_type: 'text', content: text('x') } }));
    expect(await send('open_id', 'ou_00000000000000000000000000000000')).toEqual({ status: 400, code: 230034 });
    expect(await send('email', 'nobody@nowhere.example')).toEqual({ status: 400, code: 230034 });

    const other = await control<{ app_id: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    const [userId = ''] = someUsers(emulator, 1);
    const otherAppsOpenId = openId(emulator, emulator.state.apps.get(other.app_id)!, userId);
    expect(await send('open_id', otherAppsOpenId)).toEqual({ status: 400, code: 230034 });

    await control(emulator, 'POST', `/_emulator/directory/users/${userId}/resign`, {});
    expect(await send('user_id', userId)).toEqual({ status: 400, code: 230029 });

    const withoutBot = await group(emulator, someUsers(emulator, 2), []);
    expect(await send('chat_id', withoutBot)).toEqual({ status: 400, code: 230002 });
    expect(await send('chat_id', 'oc_ffffffffffffffffffffffffffffffff')).toEqual({ status: 400, code: 230034 });
  });

  it('answers a missing or unknown receive_id_type with field validation 99992402', async () => {
    emulator = await perTest.start({ seed: 103, users: 5 });
    const client = sdkClient(emulator, emulator.defaultApp());
    const result = await outcome(
      client.im.v1.message.create({ params: { receive_id_type: 'phone' as 'email' }, data: { receive_id: 'x', msg_type: 'text', content: text('x') } }),
    );
    expect(result).toEqual({ status: 400, code: 99992402 });
  });

  it('delivers a repeated uuid once within an hour, returning the original message, and anew after an hour', async () => {
    emulator = await perTest.start({ seed: 104, users: 10 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [userId = ''] = someUsers(emulator, 1);
    const send = (value: string) =>
      client.im.v1.message.create({ params: { receive_id_type: 'user_id' }, data: { receive_id: userId, msg_type: 'text', content: text(value), uuid: 'order-42' } });
    const first = await send('first');
    const again = await send('first, retried');
    expect(again.data?.message_id).toBe(first.data?.message_id);
    expect(again.data?.body?.content).toBe(text('first'));
    expect((await inbox(emulator, userId)).items).toHaveLength(1);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 3601 });
    const later = await send('an hour later');
    expect(later.data?.message_id).not.toBe(first.data?.message_id);
    expect((await inbox(emulator, userId)).items.map((item) => item.content['text'])).toEqual(['first', 'an hour later']);
  });

  it('replies with root_id and parent_id, opens a thread with reply_in_thread, and dedups replies by uuid', async () => {
    emulator = await perTest.start({ seed: 105, users: 10 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const chatId = await group(emulator, someUsers(emulator, 2), [app.appId]);
    const root = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: text('root') } });
    const rootId = root.data?.message_id ?? '';

    const reply = await client.im.v1.message.reply({ path: { message_id: rootId }, data: { msg_type: 'text', content: text('reply'), uuid: 'r-1' } });
    expect(reply.data).toMatchObject({ root_id: rootId, parent_id: rootId, chat_id: chatId });
    expect(reply.data).not.toHaveProperty('thread_id');
    const repeated = await client.im.v1.message.reply({ path: { message_id: rootId }, data: { msg_type: 'text', content: text('reply'), uuid: 'r-1' } });
    expect(repeated.data?.message_id).toBe(reply.data?.message_id);

    const nested = await client.im.v1.message.reply({ path: { message_id: reply.data?.message_id ?? '' }, data: { msg_type: 'text', content: text('in thread'), reply_in_thread: true } });
    expect(nested.data).toMatchObject({ root_id: rootId, parent_id: reply.data?.message_id, thread_id: expect.stringMatching(/^omt_/) as unknown });
    expect((await inbox(emulator, chatId)).items.map((item) => item.content['text'])).toEqual(['root', 'reply', 'in thread']);

    const missing = await outcome(client.im.v1.message.reply({ path: { message_id: 'om_missing' }, data: { msg_type: 'text', content: text('x') } }));
    expect(missing).toEqual({ status: 400, code: 230001 });
  });

  it('gets a message as data.items[] with its current content', async () => {
    emulator = await perTest.start({ seed: 106, users: 10 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [userId = ''] = someUsers(emulator, 1);
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'user_id' }, data: { receive_id: userId, msg_type: 'text', content: text('v1') } });
    const messageId = sent.data?.message_id ?? '';
    await client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: text('v2') } });
    const got = await client.im.v1.message.get({ path: { message_id: messageId } });
    expect(got.data?.items).toHaveLength(1);
    expect(got.data?.items?.[0]).toMatchObject({ message_id: messageId, body: { content: text('v2') }, updated: true, sender: { id: app.appId, sender_type: 'app' } });

    const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    const otherClient = sdkClient(emulator, { appId: other.app_id, appSecret: other.app_secret });
    expect(await outcome(otherClient.im.v1.message.get({ path: { message_id: messageId } }))).toEqual({ status: 400, code: 230002 });
  });

  it('turns <at> tags of a text into @_user_N placeholders with mentions', async () => {
    emulator = await perTest.start({ seed: 107, users: 10 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [to = '', tagged = ''] = someUsers(emulator, 2);
    const taggedOpenId = openId(emulator, app, tagged);
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'user_id' },
      data: { receive_id: to, msg_type: 'text', content: text(`<at user_id="${taggedOpenId}">Tom</at> please look, <at user_id="all"></at>`) },
    });
    expect(sent.data?.body?.content).toBe(text('@_user_1 please look, @_all'));
    expect(sent.data?.mentions).toEqual([{ key: '@_user_1', id: taggedOpenId, id_type: 'open_id', name: 'Tom', tenant_key: emulator.state.defaultTenantKey }]);
  });

  it('edits text and post messages of the sending app only, at most 20 times', async () => {
    emulator = await perTest.start({ seed: 108, users: 10, rateLimitMultiplier: 0 });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const chatId = await group(emulator, someUsers(emulator, 2), [app.appId]);
    const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    await control(emulator, 'POST', `/_emulator/chats/${chatId}/bots`, { app_id: other.app_id });
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: text('draft') } });
    const messageId = sent.data?.message_id ?? '';

    const otherClient = sdkClient(emulator, { appId: other.app_id, appSecret: other.app_secret });
    expect(await outcome(otherClient.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: text('hijack') } }))).toEqual({ status: 400, code: 230071 });
    expect(await outcome(client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'interactive', content: '{}' } }))).toEqual({ status: 400, code: 230001 });

    const post = JSON.stringify({ zh_cn: { title: 'Edited', content: [[{ tag: 'text', text: 'now rich' }]] } });
    const edited = await client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'post', content: post } });
    expect(edited.data).toMatchObject({ msg_type: 'post', updated: true, body: { content: post } });
    for (let index = 2; index <= 20; index += 1) await client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: text(`edit ${index}`) } });
    expect(await outcome(client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: text('edit 21') } }))).toEqual({ status: 400, code: 230072 });

    const [item] = (await inbox(emulator, chatId)).items;
    expect(item).toMatchObject({ content: { text: 'edit 20' }, updated: true, edit_count: 20 });
  });
});
