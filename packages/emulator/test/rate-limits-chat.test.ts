import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { group, openId, someUsers } from './im-support.ts';
import { outcome } from './support/outcome.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

type Counter = { api: string; scope: string; subject: string | null; accepted: number; throttled: number };

// Emulated time runs 100× slower than real time, so each burst lands inside one emulated second.
const slowClock = { timeScale: 0.01 };
const text = (value: string) => JSON.stringify({ text: value });

/**
 * Platform doc §7.1 and §10: 5 QPS per receiving user and 5 QPS per group, and create, reply and
 * edit are all message sends, so they share those counters.
 */
describe('per-chat and per-user message limits across create, reply and edit', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const start = async (seed: number) => {
    emulator = await perTest.start({ seed, ...slowClock });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const chatId = await group(emulator, someUsers(emulator, 2), [app.appId]);
    const create = (receiveIdType: 'chat_id' | 'open_id', receiveId: string) =>
      client.im.v1.message.create({ params: { receive_id_type: receiveIdType }, data: { receive_id: receiveId, msg_type: 'text', content: text('hi') } });
    const reply = (messageId: string) => outcome(client.im.v1.message.reply({ path: { message_id: messageId }, data: { msg_type: 'text', content: text('re') } }));
    const advance = (ms: number) => control(emulator!, 'POST', '/_emulator/clock/advance', { ms });
    return { app, client, chatId, create, reply, advance };
  };

  it('throttles a reply into a group that already had five messages this second with 230020', async () => {
    const { chatId, create, reply, advance } = await start(31);
    const sent = [];
    for (let index = 0; index < 5; index += 1) sent.push(await create('chat_id', chatId));
    expect(sent.map((result) => result.code)).toEqual([0, 0, 0, 0, 0]);
    const target = sent[0]?.data?.message_id ?? '';

    expect(await reply(target)).toEqual({ status: 400, code: 230020 });
    const [counter] = (await control<{ items: Counter[] }>(emulator!, 'GET', '/_emulator/rate-limits?scope=chat')).items;
    expect(counter).toMatchObject({ api: 'im.v1.message', subject: chatId, accepted: 5, throttled: 1 });

    // The refusal was the chat's window: a second later the same reply goes through.
    await advance(1_000);
    expect(await reply(target)).toEqual({ status: 200, code: 0 });
  });

  it('counts replies to different messages of one chat against the same chat cap', async () => {
    const { chatId, create, reply, advance } = await start(32);
    const first = (await create('chat_id', chatId)).data?.message_id ?? '';
    const second = (await create('chat_id', chatId)).data?.message_id ?? '';
    await advance(1_000);

    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await reply(index % 2 === 0 ? first : second));
    expect(results.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => ({ status: 200, code: 0 })));
    expect(results[5]).toEqual({ status: 400, code: 230020 });

    // One counter for the chat, none per replied message.
    const items = (await control<{ items: Counter[] }>(emulator!, 'GET', '/_emulator/rate-limits?api=im.v1.message')).items;
    expect(items.map((item) => [item.scope, item.subject])).toEqual([['chat', chatId]]);
    // A new message into the chat is held to the same cap.
    expect((await outcome(create('chat_id', chatId))).code).toBe(230020);
  });

  it('counts an edit in a p2p chat against the user it goes to, shared with messages sent to them', async () => {
    const { app, client, create, advance } = await start(33);
    const [userId, otherId] = someUsers(emulator!, 2);
    const receiver = openId(emulator!, app, userId ?? '');
    const sent = [];
    for (let index = 0; index < 5; index += 1) sent.push(await create('open_id', receiver));
    expect(sent.map((result) => result.code)).toEqual([0, 0, 0, 0, 0]);
    const edit = (messageId: string) => outcome(client.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: text('edited') } }));

    const target = sent[0]?.data?.message_id ?? '';
    expect(await edit(target)).toEqual({ status: 400, code: 230020 });
    // Another person's p2p chat has its own counter.
    const elsewhere = (await create('open_id', openId(emulator!, app, otherId ?? ''))).data?.message_id ?? '';
    expect(await edit(elsewhere)).toEqual({ status: 200, code: 0 });

    await advance(1_000);
    expect(await edit(target)).toEqual({ status: 200, code: 0 });
    const users = (await control<{ items: Counter[] }>(emulator!, 'GET', '/_emulator/rate-limits?scope=user')).items;
    expect(users.find((item) => item.subject === userId)).toMatchObject({ api: 'im.v1.message', accepted: 6, throttled: 1 });
  });
});
