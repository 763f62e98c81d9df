import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import { hookSign } from '../src/open-apis/im/verify-hook-signature.ts';
import { group, inbox, someUsers } from './im-support.ts';
import { control } from './support/sdk.ts';

type Hook = { token: string; url: string; chat_id: string; secret: string | null };

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('custom bot webhooks', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ seed: 151, users: 10, rateLimitMultiplier: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('signs as the platform doc example computes: HMAC keyed by timestamp + "\\n" + secret over an empty message', () => {
    expect(hookSign('1599360473', 'demo-secret')).toBe('3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s=');
    expect(createHmac('sha256', '1599360473\ndemo-secret').update('').digest('base64')).toBe(hookSign('1599360473', 'demo-secret'));
  });

  it('posts text, post, image, share_chat and card messages into the hook\'s group', async () => {
    const chatId = await group(emulator, someUsers(emulator, 2), []);
    const hook = await control<Hook>(emulator, 'POST', '/_emulator/bot-hooks', { chat_id: chatId });
    expect(hook.url).toBe(`${emulator.url}/open-apis/bot/v2/hook/${hook.token}`);
    expect(hook.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const bodies = [
      { msg_type: 'text', content: { text: 'build passed' } },
      { msg_type: 'post', content: { post: { zh_cn: { title: 'Deploy', content: [[{ tag: 'text', text: 'done' }]] } } } },
      { msg_type: 'image', content: { image_key: 'img_v2_1' } },
      { msg_type: 'share_chat', content: { share_chat_id: chatId } },
      { msg_type: 'interactive', card: { elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**ok**' } }] } },
    ];
    for (const body of bodies) expect(await post(hook.url, body)).toEqual({ status: 200, body: { code: 0, msg: 'success', data: {} } });

    const items = (await inbox(emulator, chatId)).items;
    expect(items.map((item) => item.msg_type)).toEqual(['text', 'post', 'image', 'share_chat', 'interactive']);
    expect(items[0]).toMatchObject({ content: { text: 'build passed' }, sender: { sender_type: 'custom_bot', hook_token: hook.token } });
    expect(items[1]?.content).toEqual({ zh_cn: { title: 'Deploy', content: [[{ tag: 'text', text: 'done' }]] } });
    expect(items[3]?.content).toEqual({ chat_id: chatId });
  });

  it('answers malformed requests with HTTP 200 and 9499, 19002, 19036 or 19001', async () => {
    const hook = await control<Hook>(emulator, 'POST', '/_emulator/bot-hooks', {});
    expect(hook.chat_id).toMatch(/^oc_/);
    expect((await post(hook.url, '{not json')).body['code']).toBe(9499);
    expect((await post(hook.url, { content: { text: 'no type' } })).body['code']).toBe(19002);
    expect((await post(hook.url, { msg_type: 'text', content: '{"text":"a string, as the Open API would take it"}' })).body['code']).toBe(9499);
    expect((await post(hook.url, { msg_type: 'interactive', card: { nothing: 1 } })).body['code']).toBe(9499);
    const big = await post(hook.url, { msg_type: 'text', content: { text: 'x'.repeat(31 * 1024) } });
    expect(big).toMatchObject({ status: 200, body: { code: 19036 } });
    const unknown = await post(`${emulator.url}/open-apis/bot/v2/hook/00000000-0000-0000-0000-000000000000`, { msg_type: 'text', content: { text: 'x' } });
    expect(unknown).toMatchObject({ status: 200, body: { code: 19001 } });
    expect((await inbox(emulator, hook.chat_id)).items).toHaveLength(0);
  });

  it('with a secret, accepts a fresh correct signature and refuses a wrong, missing or stale one with 19021', async () => {
    const secret = 'hook-secret';
    const hook = await control<Hook>(emulator, 'POST', '/_emulator/bot-hooks', { secret });
    const now = async () => Math.floor((await control<{ now: number }>(emulator, 'GET', '/_emulator/clock')).now / 1000);
    const message = { msg_type: 'text', content: { text: 'signed' } };

    const timestamp = String(await now());
    expect((await post(hook.url, { ...message, timestamp, sign: hookSign(timestamp, secret) })).body).toEqual({ code: 0, msg: 'success', data: {} });
    expect((await post(hook.url, { ...message, timestamp: Number(timestamp), sign: hookSign(timestamp, secret) })).body['code']).toBe(0);

    const refused = [
      { ...message, timestamp, sign: hookSign(timestamp, 'wrong-secret') },
      { ...message, timestamp, sign: '' },
      { ...message },
      { ...message, sign: hookSign(timestamp, secret) },
    ];
    for (const body of refused) expect(await post(hook.url, body)).toMatchObject({ status: 200, body: { code: 19021 } });

    const stale = String((await now()) - 3601);
    expect((await post(hook.url, { ...message, timestamp: stale, sign: hookSign(stale, secret) })).body['code']).toBe(19021);
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 3601 });
    expect((await post(hook.url, { ...message, timestamp, sign: hookSign(timestamp, secret) })).body['code']).toBe(19021);

    expect((await inbox(emulator, hook.chat_id)).items).toHaveLength(2);
  });
});
