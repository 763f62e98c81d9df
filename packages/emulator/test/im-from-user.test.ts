import { describe, expect, it } from 'vitest';
import { type App, type Emulator } from '../src/index.ts';
import { botOpenId } from '../src/open-apis/im/user-ids.ts';
import { emailOf, group, inbox, openId, someUsers } from './im-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver } from './support/sdk-receiver.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

type Sent = { message_id: string; chat_id: string; chat_type: string };

/** The SDK's EventDispatcher as `app`'s receiver of im.message.receive_v1. */
const messageReceiver = (app: App) => sdkReceiver({ encryptKey: app.encryptKey ?? null, verificationToken: app.verificationToken, events: ['im.message.receive_v1'] });

describe('users writing to bots, and inboxes', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('stores a p2p message from a user and pushes im.message.receive_v1 to the bot', async () => {
    emulator = await perTest.start({ seed: 141, users: 10 });
    const app = emulator.defaultApp();
    const receiver = await messageReceiver(app);
    perTest.onCleanup(receiver.close);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: receiver.url, subscribed_events: ['im.message.receive_v1'] });

    const [userId = ''] = someUsers(emulator, 1);
    const sent = await control<Sent>(emulator, 'POST', '/_emulator/messages/from-user', { email: emailOf(emulator, userId), text: 'hello bot' });
    expect(sent).toMatchObject({ message_id: expect.stringMatching(/^om_/) as unknown, chat_id: expect.stringMatching(/^oc_/) as unknown, chat_type: 'p2p' });

    await eventually(() => receiver.received.length === 1);
    const user = emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.get(userId);
    expect(receiver.received[0]?.data).toMatchObject({
      event_type: 'im.message.receive_v1',
      app_id: app.appId,
      sender: { sender_id: { open_id: openId(emulator, app, userId), union_id: user?.unionId, user_id: userId }, sender_type: 'user', tenant_key: emulator.state.defaultTenantKey },
      message: { message_id: sent.message_id, chat_id: sent.chat_id, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: 'hello bot' }) },
    });
    expect(receiver.received[0]?.data['message']).not.toHaveProperty('mentions');

    // The bot answers in the same p2p chat; the user's inbox holds the conversation in order.
    const client = sdkClient(emulator, app);
    const answer = await client.im.v1.message.reply({ path: { message_id: sent.message_id }, data: { msg_type: 'text', content: JSON.stringify({ text: 'hello human' }) } });
    expect(answer.data?.chat_id).toBe(sent.chat_id);
    const got = await client.im.v1.message.get({ path: { message_id: sent.message_id } });
    expect(got.data?.items?.[0]?.sender).toMatchObject({ id: openId(emulator, app, userId), id_type: 'open_id', sender_type: 'user' });

    for (const id of [userId, openId(emulator, app, userId), emailOf(emulator, userId), sent.chat_id]) {
      const box = await inbox(emulator, id);
      expect(box.items.map((item) => [item.sender['sender_type'], item.content['text']])).toEqual([
        ['user', 'hello bot'],
        ['app', 'hello human'],
      ]);
    }
  });

  it('delivers group messages only to bots that are @-mentioned, with mentions as each app sees them', async () => {
    emulator = await perTest.start({ seed: 142, users: 10 });
    const app = emulator.defaultApp();
    const other = await control<{ app_id: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built', name: 'Other bot' });
    const otherApp = emulator.state.apps.get(other.app_id)!;
    const receivers = [await messageReceiver(app), await messageReceiver(otherApp)];
    for (const [index, target] of [app, otherApp].entries()) {
      perTest.onCleanup(receivers[index]!.close);
      await control(emulator, 'PATCH', `/_emulator/apps/${target.appId}`, { event_request_url: receivers[index]!.url, subscribed_events: ['im.message.receive_v1'] });
    }
    const [author = '', colleague = ''] = someUsers(emulator, 2);
    const chatId = await group(emulator, [author, colleague], [app.appId, otherApp.appId]);

    await control(emulator, 'POST', '/_emulator/messages/from-user', { user_id: author, chat_id: chatId, text: 'no mention here' });
    const mentioned = await control<Sent>(emulator, 'POST', '/_emulator/messages/from-user', {
      user_id: author,
      chat_id: chatId,
      text: '@_user_1 please ask @_user_2',
      mentions: [app.appId, colleague],
    });
    expect(mentioned.chat_type).toBe('group');

    // A marker for the other bot, sent last: once it has arrived, anything the earlier messages
    // had (wrongly) sent to either bot would have arrived before it.
    const marker = await control<Sent>(emulator, 'POST', '/_emulator/messages/from-user', { user_id: author, chat_id: chatId, text: '@_user_1 marker', mentions: [otherApp.appId] });
    const messageIds = (index: number) => receivers[index]!.received.map((event) => (event.data['message'] as { message_id: string }).message_id);
    await eventually(() => messageIds(1).includes(marker.message_id));
    expect(messageIds(1)).toEqual([marker.message_id]);
    expect(messageIds(0)).toEqual([mentioned.message_id]);
    expect(receivers[0]!.received[0]?.data).toMatchObject({
      message: {
        message_id: mentioned.message_id,
        chat_type: 'group',
        content: JSON.stringify({ text: '@_user_1 please ask @_user_2' }),
        mentions: [
          { key: '@_user_1', id: { open_id: botOpenId(app.appId) }, name: app.name, mentioned_type: 'bot' },
          { key: '@_user_2', id: { open_id: openId(emulator, app, colleague) }, mentioned_type: 'user' },
        ],
      },
    });
    const box = await inbox(emulator, chatId);
    expect(box.items.map((item) => item.content['text'])).toEqual(['no mention here', '@_user_1 please ask @_user_2', '@_user_1 marker']);
    expect(box.items[1]?.mentions).toEqual([
      { key: '@_user_1', name: app.name, app_id: app.appId },
      expect.objectContaining({ key: '@_user_2', user_id: colleague }) as unknown,
    ]);
  });

  it('answers 404 for an unknown inbox and 400 for a user outside the chat', async () => {
    emulator = await perTest.start({ seed: 143, users: 10 });
    const response = await fetch(`${emulator.url}/_emulator/inbox/nobody`);
    expect(response.status).toBe(404);
    const [member = '', outsider = ''] = someUsers(emulator, 2);
    const chatId = await group(emulator, [member], [emulator.defaultApp().appId]);
    const refused = await fetch(`${emulator.url}/_emulator/messages/from-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: outsider, chat_id: chatId, text: 'let me in' }),
    });
    expect(refused.status).toBe(400);
  });
});
