import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { control, memoryCache, openApi, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

describe('auth v3 tokens', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('issues a self-built tenant token the SDK uses for API calls', async () => {
    emulator = await perTest.start({ seed: 1 });
    const client = sdkClient(emulator, emulator.defaultApp());
    const result = await client.contact.v3.department.get({ path: { department_id: '0' } });
    expect(result.code).toBe(0);
    expect(result.data?.department?.open_department_id).toBe('0');
  });

  it('returns the same token while 30 minutes or more remain, then a new one while the old stays valid', async () => {
    emulator = await perTest.start({ seed: 2 });
    const { appId, appSecret } = emulator.defaultApp();
    const fetchToken = async () => (await openApi(emulator!, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })).body;

    const first = await fetchToken();
    expect(first).toMatchObject({ code: 0, msg: 'ok', expire: 7200, tenant_access_token: expect.stringMatching(/^t-/) as unknown });
    expect(first).not.toHaveProperty('data');

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 60 * 60 });
    const second = await fetchToken();
    expect(second['tenant_access_token']).toBe(first['tenant_access_token']);
    expect(second['expire']).toBe(3600);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 31 * 60 });
    const third = await fetchToken();
    expect(third['tenant_access_token']).not.toBe(first['tenant_access_token']);
    expect(third['expire']).toBe(7200);
    const oldStillValid = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token: first['tenant_access_token'] as string });
    expect(oldStillValid.body['code']).toBe(0);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 30 * 60 });
    const expired = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token: first['tenant_access_token'] as string });
    expect(expired.status).toBe(400);
    expect(expired.body['code']).toBe(99991663);
  });

  it('answers app_access_token/internal with the tenant token in both fields', async () => {
    emulator = await perTest.start({ seed: 3 });
    const { appId, appSecret } = emulator.defaultApp();
    const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/app_access_token/internal', { body: { app_id: appId, app_secret: appSecret } });
    expect(body['app_access_token']).toBe(body['tenant_access_token']);
  });

  it('refuses a wrong secret with 10015 and an unknown app with 10003', async () => {
    emulator = await perTest.start({ seed: 4 });
    const { appId } = emulator.defaultApp();
    const wrong = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: 'nope' } });
    expect(wrong.body).toMatchObject({ code: 10015, msg: 'app secret invalid' });
    expect(wrong.body).not.toHaveProperty('tenant_access_token');
    const unknown = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: 'cli_0000000000000000', app_secret: 'x' } });
    expect(unknown.body['code']).toBe(10003);
  });

  it('gives a store app tokens per tenant with its app_ticket, and refuses a bad ticket with 10012', async () => {
    emulator = await perTest.start({ seed: 5 });
    const tenant = await control<{ tenant_key: string }>(emulator, 'POST', '/_emulator/tenants', { users: 10, departments: 2 });
    const store = await control<{ app_id: string; app_secret: string; app_ticket: string }>(emulator, 'POST', '/_emulator/apps', {
      type: 'store',
      tenant_keys: [emulator.state.defaultTenantKey, tenant.tenant_key],
    });
    expect(store.app_ticket).toMatch(/^[0-9a-f]{32}$/);

    const bad = await openApi(emulator, 'POST', '/open-apis/auth/v3/app_access_token', { body: { app_id: store.app_id, app_secret: store.app_secret, app_ticket: 'stale' } });
    expect(bad.body['code']).toBe(10012);

    // The SDK learns the ticket from the app_ticket event; here it is placed in its cache directly.
    const cache = memoryCache();
    await cache.set(lark.CAppTicket, store.app_ticket, undefined, { namespace: store.app_id });
    const client = sdkClient(emulator, { appId: store.app_id, appSecret: store.app_secret, type: 'store' }, cache);
    const inDefault = await client.contact.v3.department.get({ path: { department_id: '0' } }, lark.withTenantKey(emulator.state.defaultTenantKey));
    const inOther = await client.contact.v3.department.get({ path: { department_id: '0' } }, lark.withTenantKey(tenant.tenant_key));
    expect(inDefault.data?.department?.name).toBe('Acme Emulated Co.');
    expect(inOther.data?.department?.name).toBe('Tenant 2');

    const resent = await openApi(emulator, 'POST', '/open-apis/auth/v3/app_ticket/resend', { body: { app_id: store.app_id, app_secret: store.app_secret } });
    expect(resent.body).toEqual({ code: 0, msg: 'success' });
    const after = await control<{ app_ticket: string }>(emulator, 'GET', `/_emulator/apps/${store.app_id}`);
    expect(after.app_ticket).not.toBe(store.app_ticket);
  });

  it('refuses app_ticket/resend for a self-built app with 10016', async () => {
    emulator = await perTest.start({ seed: 6 });
    const { appId, appSecret } = emulator.defaultApp();
    const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/app_ticket/resend', { body: { app_id: appId, app_secret: appSecret } });
    expect(body['code']).toBe(10016);
  });

  it('re-issues store app tickets every emulated hour', async () => {
    emulator = await perTest.start({ seed: 7 });
    const store = await control<{ app_id: string; app_ticket: string }>(emulator, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: [emulator.state.defaultTenantKey] });
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 3_601 });
    const after = await control<{ app_ticket: string }>(emulator, 'GET', `/_emulator/apps/${store.app_id}`);
    expect(after.app_ticket).not.toBe(store.app_ticket);
  });

  it('answers calls without a token with 99991661 and malformed tokens with 99991671', async () => {
    emulator = await perTest.start({ seed: 8 });
    const missing = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0');
    expect([missing.status, missing.body['code']]).toEqual([400, 99991661]);
    const malformed = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token: 'x-123' });
    expect([malformed.status, malformed.body['code']]).toEqual([400, 99991671]);
  });
});
