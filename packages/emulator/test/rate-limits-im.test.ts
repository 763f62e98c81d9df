import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, openIdOf, type Emulator } from '../src/index.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';

/** The parts of the AxiosError the SDK throws on a non-2xx answer that the tests read. */
type HttpError<T> = { response?: { status: number; headers: Record<string, unknown>; data: T } };

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

/** The Feishu code of a settled SDK call: the body's on success, the AxiosError's body on failure. */
async function codeOf(call: Promise<{ code?: number | undefined }>): Promise<{ status: number; code: number | undefined }> {
  try {
    return { status: 200, code: (await call).code };
  } catch (thrown) {
    const error = thrown as HttpError<{ code?: number }>;
    return { status: error.response?.status ?? 0, code: error.response?.data.code };
  }
}

describe('IM and custom-bot rate limits', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('refuses a sixth message to the same user within a second with 230020, while other users still get theirs', async () => {
    emulator = await createEmulator({ seed: 21, ...slowClock });
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    const [first, second] = userIds(emulator, 2).map((userId) => openIdOf(app, emulator!.state.defaultTenantKey, userId));
    const send = (openId: string | undefined) =>
      codeOf(client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: openId ?? '', msg_type: 'text', content: JSON.stringify({ text: 'hello' }) } }));

    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await send(first));
    expect(results.slice(0, 5).map((result) => result.code)).not.toContain(230020);
    expect(results[5]).toEqual({ status: 400, code: 230020 });
    expect((await send(second)).code).not.toBe(230020);

    const items = (await control<{ items: Counter[] }>(emulator, 'GET', '/_emulator/rate-limits?api=im.v1.message.create')).items;
    expect(items.find((item) => item.scope === 'user' && item.subject === userIds(emulator!, 1)[0])?.throttled).toBe(1);
    expect(items.find((item) => item.scope === 'app')?.throttled).toBe(0);
  });

  it('counts a user reached by email and by open_id as one receiver', async () => {
    emulator = await createEmulator({ seed: 22, ...slowClock });
    const token = await tenantToken(emulator);
    const [userId] = userIds(emulator, 1);
    const user = emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.get(userId ?? '');
    const send = (type: string, id: string) =>
      openApi(emulator!, 'POST', `/open-apis/im/v1/messages?receive_id_type=${type}`, { token, body: { receive_id: id, msg_type: 'text', content: '{"text":"hi"}' } });
    const openId = openIdOf(emulator.defaultApp(), emulator.state.defaultTenantKey, userId ?? '');
    for (let index = 0; index < 3; index += 1) await send('open_id', openId);
    for (let index = 0; index < 2; index += 1) await send('email', user?.email ?? '');
    const sixth = await send('user_id', userId ?? '');
    expect([sixth.status, sixth.body['code']]).toEqual([400, 230020]);
  });

  it('limits card patches to 5 per second per message', async () => {
    emulator = await createEmulator({ seed: 23, ...slowClock });
    const token = await tenantToken(emulator);
    const patch = (messageId: string) => openApi(emulator!, 'PATCH', `/open-apis/im/v1/messages/${messageId}`, { token, body: { content: '{}' } });
    const codes = [];
    for (let index = 0; index < 6; index += 1) codes.push((await patch('om_limited')).body['code']);
    expect(codes.slice(0, 5)).not.toContain(230020);
    expect(codes[5]).toBe(230020);
    expect((await patch('om_other')).body['code']).not.toBe(230020);
  });

  it('answers a custom bot over 5 calls a second with HTTP 200 and code 11232', async () => {
    emulator = await createEmulator({ seed: 24, ...slowClock });
    const hook = (token: string) => openApi(emulator!, 'POST', `/open-apis/bot/v2/hook/${token}`, { body: { msg_type: 'text', content: { text: 'hi' } } });
    const results = [];
    for (let index = 0; index < 6; index += 1) results.push(await hook('hook-a'));
    expect(results.slice(0, 5).map((result) => result.body['code'])).not.toContain(11232);
    expect([results[5]?.status, results[5]?.body['code']]).toEqual([200, 11232]);
    expect((await hook('hook-b')).body['code']).not.toBe(11232);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 1 });
    expect((await hook('hook-a')).body['code']).not.toBe(11232);
  });

  it('caps a custom bot at 100 calls a minute', async () => {
    emulator = await createEmulator({ seed: 25, ...slowClock });
    const hook = () => openApi(emulator!, 'POST', '/open-apis/bot/v2/hook/hook-minute', { body: { msg_type: 'text', content: { text: 'hi' } } });
    for (let second = 0; second < 20; second += 1) {
      for (let index = 0; index < 5; index += 1) expect((await hook()).body['code']).not.toBe(11232);
      await control(emulator, 'POST', '/_emulator/clock/advance', { ms: 1_000 });
    }
    expect((await hook()).body['code']).toBe(11232);
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 60 });
    expect((await hook()).body['code']).not.toBe(11232);
  });
});
