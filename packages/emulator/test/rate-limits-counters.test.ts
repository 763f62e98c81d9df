import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { openId, someUsers } from './im-support.ts';
import { control, openApi } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

type Counter = { api: string; scope: string; subject: string | null; accepted: number; throttled: number };

// Emulated time runs 100× slower than real time, so each burst lands inside one emulated second.
const slowClock = { timeScale: 0.01 };

async function counters(emulator: Emulator): Promise<Counter[]> {
  return (await control<{ items: Counter[] }>(emulator, 'GET', '/_emulator/rate-limits')).items;
}

describe('rate-limit counters are bounded', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('drops counters whose windows have emptied, totals included, and starts them afresh', async () => {
    emulator = await perTest.start({ seed: 41, ...slowClock });
    const { appId, appSecret } = emulator.defaultApp();
    const token = (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })).body['tenant_access_token'] as string;
    const users = someUsers(emulator, 3);
    const send = (userId: string) =>
      openApi(emulator!, 'POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { token, body: { receive_id: openId(emulator!, emulator!.defaultApp(), userId), msg_type: 'text', content: '{"text":"hi"}' } });
    for (const userId of users) for (let index = 0; index < 6; index += 1) await send(userId);

    const busy = await counters(emulator);
    expect(busy.filter((item) => item.scope === 'user').map((item) => [item.subject, item.accepted, item.throttled]).sort()).toEqual(users.map((userId) => [userId, 5, 1]).sort());
    // A refusal is counted by the counter that refused (here the per-user one), not the app's.
    expect(busy.find((item) => item.scope === 'app')).toMatchObject({ api: 'im.v1.message.create', accepted: 15, throttled: 0 });

    // Past the 1-second per-user windows only the app counter (1-minute window) is still live.
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 2 });
    expect((await counters(emulator)).map((item) => item.scope)).toEqual(['app']);
    // Past every window nothing is listed, and a new call starts a fresh counter.
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 60 });
    expect(await counters(emulator)).toEqual([]);
    expect((await send(users[0] ?? '')).body['code']).toBe(0);
    expect((await counters(emulator)).map((item) => [item.scope, item.accepted, item.throttled]).sort()).toEqual([
      ['app', 1, 0],
      ['user', 1, 0],
    ]);
  });

  it('keeps no counter for a custom bot that does not exist', async () => {
    emulator = await perTest.start({ seed: 42, ...slowClock });
    for (let index = 0; index < 7; index += 1) {
      const answer = await openApi(emulator, 'POST', `/open-apis/bot/v2/hook/made-up-${index % 2}`, { body: { msg_type: 'text', content: { text: 'hi' } } });
      // Refused as an unknown hook every time, never as throttled (11232).
      expect([answer.status, answer.body['code']]).toEqual([200, 19001]);
    }
    expect(await counters(emulator)).toEqual([]);
  });

  it('counts every call per app and API in /_emulator/api-calls, refused ones apart, until cleared', async () => {
    emulator = await perTest.start({ seed: 42, ...slowClock });
    const { appId, appSecret } = emulator.defaultApp();
    const token = (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })).body['tenant_access_token'] as string;
    const [user] = someUsers(emulator, 1);
    const send = () =>
      openApi(emulator!, 'POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { token, body: { receive_id: openId(emulator!, emulator!.defaultApp(), user ?? ''), msg_type: 'text', content: '{"text":"hi"}' } });
    // Five per user per second are allowed; the sixth and seventh are refused.
    for (let index = 0; index < 7; index += 1) await send();
    const calls = await control<{ items: { app_id: string; api: string; calls: number; refused: number }[]; total: number }>(emulator, 'GET', `/_emulator/api-calls?app_id=${appId}`);
    expect(calls.items.find((item) => item.api === 'im.v1.message.create')).toEqual({ app_id: appId, api: 'im.v1.message.create', calls: 7, refused: 2 });
    expect(calls.total).toBe(calls.items.reduce((sum, item) => sum + item.calls, 0));
    // Past every window the history stays (the rate-limit counters do not).
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 120 });
    expect((await control<{ total: number }>(emulator, 'GET', '/_emulator/api-calls')).total).toBe(calls.total);
    expect((await control<{ cleared: number }>(emulator, 'DELETE', '/_emulator/api-calls')).cleared).toBeGreaterThan(0);
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/api-calls')).items).toEqual([]);
  });
});
