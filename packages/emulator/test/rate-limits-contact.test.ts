import { describe, expect, it } from 'vitest';
import type { CreateEmulatorOptions, Emulator } from '../src/index.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { control, openApi } from './support/sdk.ts';

// Emulated time runs 100× slower than real time, so a burst lands inside one emulated second.
const slowClock: CreateEmulatorOptions = { timeScale: 0.01 };

async function tenantToken(emulator: Emulator): Promise<string> {
  const { appId, appSecret } = emulator.defaultApp();
  const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } });
  return body['tenant_access_token'] as string;
}

const burst = (emulator: Emulator, token: string, path: string, count: number) => Promise.all(Array.from({ length: count }, () => openApi(emulator, 'GET', path, { token })));
const statuses = (results: { status: number }[]) => ({ ok: results.filter((result) => result.status === 200).length, throttled: results.filter((result) => result.status === 429).length });

// The two listing calls of a directory sync: 1000/min and 50/s each, per app and tenant (§6, §10).
const listings = [
  ['contact.v3.department.children', '/open-apis/contact/v3/departments/0/children?page_size=50'],
  ['contact.v3.user.find_by_department', '/open-apis/contact/v3/users/find_by_department?department_id=0&page_size=50'],
] as const;

describe('rate limits of the directory listing calls', () => {
  const perTest = emulatorPerTest();

  it.each(listings)('%s: 50 per second, with its own counter, 99991400 and the x-ogw headers beyond', async (api, path) => {
    const emulator = await perTest.start({ seed: 31, users: 30, departments: 5, ...slowClock });
    const token = await tenantToken(emulator);
    const results = await burst(emulator, token, path, 60);
    expect(statuses(results)).toEqual({ ok: 50, throttled: 10 });
    const refused = results.find((result) => result.status === 429)!;
    expect(refused.body['code']).toBe(99991400);
    expect(refused.headers.get('x-ogw-ratelimit-limit')).toBe('50');
    expect(Number(refused.headers.get('x-ogw-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    const { items } = await control<{ items: { api: string; accepted: number; throttled: number }[] }>(emulator, 'GET', `/_emulator/rate-limits?api=${api}`);
    expect(items).toEqual([expect.objectContaining({ api, accepted: 50, throttled: 10 })]);
  });

  it.each(listings)('%s: 1000 per minute across seconds', async (_api, path) => {
    const emulator = await perTest.start({ seed: 32, users: 30, departments: 5, ...slowClock });
    const token = await tenantToken(emulator);
    for (let second = 0; second < 20; second += 1) {
      expect(statuses(await burst(emulator, token, path, 50))).toEqual({ ok: 50, throttled: 0 });
      await control(emulator, 'POST', '/_emulator/clock/advance', { ms: 1_001 });
    }
    const over = await openApi(emulator, 'GET', path, { token });
    expect(over.status).toBe(429);
    expect(over.headers.get('x-ogw-ratelimit-limit')).toBe('1000');
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 61 });
    expect((await openApi(emulator, 'GET', path, { token })).status).toBe(200);
  });

  it.each(listings)('%s: scaled by the limit multiplier', async (_api, path) => {
    const emulator = await perTest.start({ seed: 33, users: 30, departments: 5, rateLimitMultiplier: 2, ...slowClock });
    const results = await burst(emulator, await tenantToken(emulator), path, 110);
    expect(statuses(results)).toEqual({ ok: 100, throttled: 10 });
    expect(results.find((result) => result.status === 429)?.headers.get('x-ogw-ratelimit-limit')).toBe('100');
  });
});
