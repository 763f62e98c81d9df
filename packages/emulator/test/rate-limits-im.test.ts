import { describe, expect, it } from 'vitest';
import { openIdOf, type Emulator } from '../src/index.ts';
import { group } from './im-support.ts';
import { outcome } from './support/outcome.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

type Counter = { api: string; scope: string; subject: string | null; throttled: number };

// Emulated time runs 100× slower than real time, so each burst lands inside one emulated second.
const slowClock = { timeScale: 0.01 };

async function tenantToken(emulator: Emulator): Promise<string> {
  const { appId, appSecret } = emulator.defaultApp();
  const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } });
  return body['tenant_access_token'] as string;
}

function userIds(emulator: Emulator, count: number): string[] {
  const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
  return [...(tenant?.users.keys() ?? [])].slice(0, count);
}

type Hook = { token: string };

/** A custom bot registered through the control API (in a group of its own), and a way to post to it. */
async function customBot(emulator: Emulator) {
  const hook = await control<Hook>(emulator, 'POST', '/_emulator/bot-hooks', {});
  return () => openApi(emulator, 'POST', `/open-apis/bot/v2/hook/${hook.token}`, { body: { msg_type: 'text', content: { text: 'hi' } } });
}

const card = (title: string) => JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: title } }] });

describe('IM and custom-bot rate limits', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('refuses a sixth message to the same user within a second with 230020, while other users still get theirs', async () => {
    emulator = await perTest.start({ seed: 21, ...slowClock });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [first, second] = userIds(emulator, 2).map((userId) => openIdOf(app, emulator!.state.defaultTenantKey, userId));
    const send = (openId: string | undefined) =>
      outcome(client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: openId ?? '', msg_type: 'text', content: JSON.stringify({ text: 'hello' }) } }));

    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await send(first));
    expect(results.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => ({ status: 200, code: 0 })));
    expect(results[5]).toEqual({ status: 400, code: 230020 });
    expect(await send(second)).toEqual({ status: 200, code: 0 });

    // The per-user counter is shared by create, reply and edit, so it is labelled `im.v1.message`.
    const users = (await control<{ items: Counter[] }>(emulator, 'GET', '/_emulator/rate-limits?scope=user')).items;
    expect(users.find((item) => item.subject === userIds(emulator!, 1)[0])).toMatchObject({ api: 'im.v1.message', throttled: 1 });
    const items = (await control<{ items: Counter[] }>(emulator, 'GET', '/_emulator/rate-limits?api=im.v1.message.create')).items;
    expect(items.find((item) => item.scope === 'app')?.throttled).toBe(0);
  });

  it('counts a user reached by email and by open_id as one receiver', async () => {
    emulator = await perTest.start({ seed: 22, ...slowClock });
    const token = await tenantToken(emulator);
    const [userId] = userIds(emulator, 1);
    const user = emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.get(userId ?? '');
    const send = (type: string, id: string) =>
      openApi(emulator!, 'POST', `/open-apis/im/v1/messages?receive_id_type=${type}`, { token, body: { receive_id: id, msg_type: 'text', content: '{"text":"hi"}' } });
    const openId = openIdOf(emulator.defaultApp(), emulator.state.defaultTenantKey, userId ?? '');
    const accepted = [];
    for (let index = 0; index < 3; index += 1) accepted.push(await send('open_id', openId));
    for (let index = 0; index < 2; index += 1) accepted.push(await send('email', user?.email ?? ''));
    expect(accepted.map((result) => [result.status, result.body['code']])).toEqual(Array.from({ length: 5 }, () => [200, 0]));
    const sixth = await send('user_id', userId ?? '');
    expect([sixth.status, sixth.body['code']]).toEqual([400, 230020]);
  });

  it('limits card patches to 5 per second per message with 230020', async () => {
    emulator = await perTest.start({ seed: 23, ...slowClock });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const chatId = await group(emulator, userIds(emulator, 2), [app.appId]);
    const sendCard = async () => {
      const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: card('Pending') } });
      expect(sent.code).toBe(0);
      return sent.data?.message_id ?? '';
    };
    const [limited, other] = [await sendCard(), await sendCard()];
    const patch = (messageId: string, index: number) => outcome(client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: card(`Step ${index}`) } }));

    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await patch(limited, index));
    expect(results.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => ({ status: 200, code: 0 })));
    expect(results[5]).toEqual({ status: 400, code: 230020 });
    expect(await patch(other, 0)).toEqual({ status: 200, code: 0 });
  });

  it('answers a custom bot over 5 calls a second with HTTP 200 and code 11232', async () => {
    emulator = await perTest.start({ seed: 24, ...slowClock });
    const [hookA, hookB] = [await customBot(emulator), await customBot(emulator)];
    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await hookA());
    expect(results.slice(0, 5).map((result) => [result.status, result.body['code']])).toEqual(Array.from({ length: 5 }, () => [200, 0]));
    expect([results[5]?.status, results[5]?.body['code']]).toEqual([200, 11232]);
    expect((await hookB()).body['code']).toBe(0);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 1 });
    expect((await hookA()).body['code']).toBe(0);
  });

  it('caps a custom bot at 100 calls a minute', async () => {
    emulator = await perTest.start({ seed: 25, ...slowClock });
    const hook = await customBot(emulator);
    for (let second = 0; second < 20; second += 1) {
      for (let index = 0; index < 5; index += 1) expect((await hook()).body['code']).toBe(0);
      await control(emulator, 'POST', '/_emulator/clock/advance', { ms: 1_000 });
    }
    expect((await hook()).body['code']).toBe(11232);
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 60 });
    expect((await hook()).body['code']).toBe(0);
  });
});
