import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type CreateEmulatorOptions, type Emulator } from '../src/index.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';

/** The parts of the AxiosError the SDK throws on a non-2xx answer that the tests read. */
type HttpError<T> = { response?: { status: number; headers: Record<string, unknown>; data: T } };

type Counter = { api: string; scope: string; app_id: string | null; tenant_key: string | null; windows: { window_seconds: number; limit: number; count: number }[]; accepted: number; throttled: number };

// Emulated time runs 100× slower than real time here, so a burst of calls lands inside one
// emulated second however slow the machine: the counts asserted below are exact.
const slowClock: CreateEmulatorOptions = { timeScale: 0.01 };

async function tenantToken(emulator: Emulator, app: { appId: string; appSecret: string }): Promise<string> {
  const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: app.appId, app_secret: app.appSecret } });
  return body['tenant_access_token'] as string;
}

function someUserId(emulator: Emulator): string {
  const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
  const [userId] = tenant?.users.keys() ?? [];
  if (userId === undefined) throw new Error('no users');
  return userId;
}

/** Fires `count` concurrent GET-user calls and returns their statuses. */
async function burst(emulator: Emulator, token: string, count: number): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }[]> {
  const path = `/open-apis/contact/v3/users/${someUserId(emulator)}?user_id_type=user_id`;
  return Promise.all(Array.from({ length: count }, () => openApi(emulator, 'GET', path, { token })));
}

async function counters(emulator: Emulator, query: string): Promise<Counter[]> {
  return (await control<{ items: Counter[] }>(emulator, 'GET', `/_emulator/rate-limits?${query}`)).items;
}

describe('rate limits', () => {
  let emulators: Emulator[] = [];
  const start = async (options: CreateEmulatorOptions) => {
    const emulator = await createEmulator(options);
    emulators.push(emulator);
    return emulator;
  };
  afterEach(async () => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
    emulators = [];
  });

  it('answers the 51st call within a second with 429, the x-ogw-ratelimit headers and 99991400', async () => {
    const emulator = await start({ seed: 11, ...slowClock });
    const app = emulator.defaultApp();
    const results = await burst(emulator, await tenantToken(emulator, app), 60);

    const refused = results.filter((result) => result.status === 429);
    expect(results.filter((result) => result.status === 200)).toHaveLength(50);
    expect(refused).toHaveLength(10);
    for (const result of refused) {
      expect(result.body).toMatchObject({ code: 99991400, msg: 'request trigger frequency limit', error: { log_id: expect.any(String) as unknown } });
      expect(result.headers.get('x-ogw-ratelimit-limit')).toBe('50');
      expect(Number(result.headers.get('x-ogw-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(result.headers.get('x-tt-logid')).toMatch(/^\d{14}[0-9A-F]+$/);
    }

    // The SDK surfaces the refusal as an AxiosError carrying status, headers and the Feishu body.
    const client = sdkClient(emulator, app);
    const error = await client.contact.v3.user.get({ path: { user_id: someUserId(emulator) }, params: { user_id_type: 'user_id' } }).then(
      () => undefined,
      (thrown: unknown) => thrown as HttpError<{ code: number }>,
    );
    expect(error?.response?.status).toBe(429);
    expect(error?.response?.data.code).toBe(99991400);
    expect(Number(error?.response?.headers['x-ogw-ratelimit-reset'])).toBeGreaterThanOrEqual(1);

    const [counter] = await counters(emulator, 'api=contact.v3.user.get');
    expect(counter).toMatchObject({ scope: 'app', app_id: app.appId, tenant_key: emulator.state.defaultTenantKey, accepted: 50, throttled: 11 });
    expect(counter?.windows).toEqual([
      { window_seconds: 60, limit: 1000, count: 50, reset_seconds: expect.any(Number) as unknown },
      { window_seconds: 1, limit: 50, count: 50, reset_seconds: expect.any(Number) as unknown },
    ]);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 61 });
    const after = await client.contact.v3.user.get({ path: { user_id: someUserId(emulator) }, params: { user_id_type: 'user_id' } });
    expect(after.code).toBe(0);
  });

  it('does not count refused calls against later windows', async () => {
    const emulator = await start({ seed: 12, ...slowClock });
    const token = await tenantToken(emulator, emulator.defaultApp());
    const first = await burst(emulator, token, 70);
    expect(first.filter((result) => result.status === 429)).toHaveLength(20);
    await control(emulator, 'POST', '/_emulator/clock/advance', { ms: 1_000 });
    const second = await burst(emulator, token, 50);
    expect(second.every((result) => result.status === 200)).toBe(true);
    const [counter] = await counters(emulator, 'api=contact.v3.user.get');
    expect(counter?.windows[0]).toMatchObject({ window_seconds: 60, count: 100 });
    expect(counter?.throttled).toBe(20);
  });

  it('scales every limit by rateLimitMultiplier', async () => {
    const emulator = await start({ seed: 13, rateLimitMultiplier: 100, ...slowClock });
    const results = await burst(emulator, await tenantToken(emulator, emulator.defaultApp()), 60);
    expect(results.every((result) => result.status === 200)).toBe(true);
    const policies = await control<{ items: { api: string; windows: { limit: number }[] }[] }>(emulator, 'GET', '/_emulator/rate-limits/policies');
    expect(policies.items.find((item) => item.api === 'contact.v3.user.get')?.windows.map((window) => window.limit)).toEqual([100_000, 5_000]);
  });

  it('counts each app separately', async () => {
    const emulator = await start({ seed: 14, ...slowClock });
    const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    const first = await burst(emulator, await tenantToken(emulator, emulator.defaultApp()), 55);
    expect(first.some((result) => result.status === 429)).toBe(true);
    const second = await burst(emulator, await tenantToken(emulator, { appId: other.app_id, appSecret: other.app_secret }), 50);
    expect(second.every((result) => result.status === 200)).toBe(true);
    expect((await counters(emulator, `app_id=${other.app_id}`))[0]?.throttled).toBe(0);
  });

  it('counts a store app separately in each tenant', async () => {
    const emulator = await start({ seed: 15, ...slowClock });
    const tenant = await control<{ tenant_key: string }>(emulator, 'POST', '/_emulator/tenants', { users: 5, departments: 1 });
    const store = await control<{ app_id: string; app_secret: string; app_ticket: string }>(emulator, 'POST', '/_emulator/apps', {
      type: 'store',
      tenant_keys: [emulator.state.defaultTenantKey, tenant.tenant_key],
    });
    const appToken = (await openApi(emulator, 'POST', '/open-apis/auth/v3/app_access_token', { body: { app_id: store.app_id, app_secret: store.app_secret, app_ticket: store.app_ticket } })).body['app_access_token'];
    const tokenIn = async (tenantKey: string) =>
      (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token', { body: { app_access_token: appToken, tenant_key: tenantKey } })).body['tenant_access_token'] as string;

    const path = '/open-apis/contact/v3/departments/0';
    const inDefault = await Promise.all(Array.from({ length: 55 }, async () => openApi(emulator, 'GET', path, { token: await tokenIn(emulator.state.defaultTenantKey) })));
    expect(inDefault.filter((result) => result.status === 429)).toHaveLength(5);
    const otherToken = await tokenIn(tenant.tenant_key);
    const inOther = await Promise.all(Array.from({ length: 50 }, () => openApi(emulator, 'GET', path, { token: otherToken })));
    expect(inOther.every((result) => result.status === 200)).toBe(true);
    const items = await counters(emulator, 'api=contact.v3.department.get');
    expect(items.map((item) => [item.tenant_key, item.throttled]).sort()).toEqual(
      [
        [emulator.state.defaultTenantKey, 5],
        [tenant.tenant_key, 0],
      ].sort(),
    );
  });

  it('does not count calls without a valid token, and DELETE clears the counters', async () => {
    const emulator = await start({ seed: 16, ...slowClock });
    const results = await burst(emulator, 't-not-a-real-token', 60);
    expect(results.every((result) => result.status === 400 && result.body['code'] === 99991663)).toBe(true);
    expect(await counters(emulator, '')).toEqual([]);

    const token = await tenantToken(emulator, emulator.defaultApp());
    expect((await burst(emulator, token, 51)).filter((result) => result.status === 429)).toHaveLength(1);
    expect(await control(emulator, 'DELETE', '/_emulator/rate-limits')).toEqual({ cleared: 1 });
    expect((await burst(emulator, token, 50)).every((result) => result.status === 200)).toBe(true);
  });

  it('leaves the auth v3 token endpoints unlimited', async () => {
    const emulator = await start({ seed: 17, ...slowClock });
    const { appId, appSecret } = emulator.defaultApp();
    const results = await Promise.all(
      Array.from({ length: 80 }, () => openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })),
    );
    expect(results.every((result) => result.status === 200 && result.body['code'] === 0)).toBe(true);
  });
});
