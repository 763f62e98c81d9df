import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { allowRedirects, clientOf, codeFor, s256, someUser, tokenV2 } from './oauth-support.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

describe('authen v1 user tokens (through the official SDK)', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const start = async (seed: number) => {
    emulator = await perTest.start({ seed });
    await allowRedirects(emulator);
    return { e: emulator, client: sdkClient(emulator, emulator.defaultApp()) };
  };

  it('exchanges a code on oidc/access_token and rotates the refresh token on oidc/refresh_access_token', async () => {
    const { e, client } = await start(31);
    const user = someUser(e, 2);
    const code = await codeFor(e, user.userId, { scope: 'contact:user.email:readonly' });

    const exchanged = await client.authen.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code } });
    expect(exchanged).toMatchObject({ code: 0, msg: 'success', data: { token_type: 'Bearer', expires_in: 7199, refresh_expires_in: 2_591_999, scope: 'contact:user.email:readonly' } });
    expect(exchanged.data?.access_token).toMatch(/^u-/);
    expect(exchanged.data?.refresh_token).toMatch(/^ur-/);

    const info = await client.authen.userInfo.get({}, lark.withUserAccessToken(exchanged.data?.access_token ?? ''));
    expect(info).toMatchObject({ code: 0, data: { name: user.name, email: user.email } });

    const oldRefresh = exchanged.data?.refresh_token ?? '';
    const refreshed = await client.authen.oidcRefreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: oldRefresh } });
    expect(refreshed.code).toBe(0);
    expect(refreshed.data?.refresh_token).toMatch(/^ur-/);
    expect(refreshed.data?.refresh_token).not.toBe(oldRefresh);
    const reused = await client.authen.oidcRefreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: oldRefresh } });
    expect(reused.code).toBe(20038);
    const next = await client.authen.oidcRefreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: refreshed.data?.refresh_token ?? '' } });
    expect(next.code).toBe(0);
  });

  it('answers v1 failures with HTTP 200 and the documented codes', async () => {
    const { e, client } = await start(32);
    const create = (data: { grant_type: string; code: string }) => client.authen.oidcAccessToken.create({ data });
    const code = await codeFor(e, someUser(e).userId);
    expect((await create({ grant_type: 'client_credentials', code })).code).toBe(20036);
    expect((await create({ grant_type: 'authorization_code', code: 'nope' })).code).toBe(20003);

    const other = await control<{ app_id: string; app_secret: string }>(e, 'POST', '/_emulator/apps', { type: 'self_built' });
    const otherClient = sdkClient(e, { appId: other.app_id, appSecret: other.app_secret });
    expect((await otherClient.authen.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code } })).code).toBe(20024);

    expect((await create({ grant_type: 'authorization_code', code })).code).toBe(0);
    expect((await create({ grant_type: 'authorization_code', code })).code).toBe(20003);

    const late = await codeFor(e, someUser(e).userId);
    await control(e, 'POST', '/_emulator/clock/advance', { seconds: 301 });
    expect((await create({ grant_type: 'authorization_code', code: late })).code).toBe(20004);

    const pkce = await codeFor(e, someUser(e).userId, { code_challenge: s256('a'.repeat(43)), code_challenge_method: 'S256' });
    expect((await create({ grant_type: 'authorization_code', code: pkce })).code).toBe(20001);

    const v2 = await tokenV2(e, { grant_type: 'authorization_code', ...clientOf(e), code: await codeFor(e, someUser(e).userId, { scope: 'offline_access' }) });
    const wrongFamily = await client.authen.oidcRefreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: v2.body['refresh_token'] as string } });
    expect(wrongFamily.code).toBe(20026);

    const badToken = await openApi(e, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: 't-unknown', body: { grant_type: 'authorization_code', code: 'x' } });
    expect([badToken.status, badToken.body['code']]).toEqual([200, 20013]);
  });

  it('adds the profile on the older access_token and refresh_access_token', async () => {
    const { e, client } = await start(33);
    const user = someUser(e, 1);
    const answer = await client.authen.accessToken.create({ data: { grant_type: 'authorization_code', code: await codeFor(e, user.userId) } });
    expect(answer).toMatchObject({ code: 0, data: { name: user.name, en_name: expect.any(String) as unknown, user_id: user.userId, tenant_key: e.state.defaultTenantKey, expires_in: 7140 } });
    expect(answer.data?.access_token).toMatch(/^u-/);
    expect(answer.data?.open_id).toMatch(/^ou_/);
    const refreshed = await client.authen.refreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: answer.data?.refresh_token ?? '' } });
    expect(refreshed).toMatchObject({ code: 0, data: { name: user.name, refresh_expires_in: 2_591_940 } });
  });

  it('accepts the app_access_token of a store app', async () => {
    const { e } = await start(34);
    const store = await control<{ app_id: string; app_secret: string; app_ticket: string }>(e, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: [e.state.defaultTenantKey] });
    await allowRedirects(e, undefined, store.app_id);
    const appToken = await openApi(e, 'POST', '/open-apis/auth/v3/app_access_token', { body: { app_id: store.app_id, app_secret: store.app_secret, app_ticket: store.app_ticket } });
    const code = await codeFor(e, someUser(e).userId, {}, store.app_id);
    const answer = await openApi(e, 'POST', '/open-apis/authen/v1/oidc/access_token', { token: appToken.body['app_access_token'] as string, body: { grant_type: 'authorization_code', code } });
    expect(answer.body).toMatchObject({ code: 0, data: { token_type: 'Bearer' } });
  });
});

describe('authen/v1/user_info', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('returns only the fields the app has the field scopes for', async () => {
    emulator = await perTest.start({ seed: 35 });
    await allowRedirects(emulator);
    const client = sdkClient(emulator, emulator.defaultApp());
    const user = someUser(emulator);
    const token = (await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code: await codeFor(emulator, user.userId) })).body['access_token'] as string;

    const full = await client.authen.userInfo.get({}, lark.withUserAccessToken(token));
    expect(full.data).toMatchObject({ email: user.email, user_id: user.userId, mobile: expect.any(String) as unknown, employee_no: expect.any(String) as unknown });
    expect(Object.keys(full.data ?? {})).toContain('enterprise_email');

    await control(emulator, 'PATCH', `/_emulator/apps/${emulator.state.defaultAppId}`, { scopes: ['contact:user.base:readonly'] });
    const narrow = await client.authen.userInfo.get({}, lark.withUserAccessToken(token));
    expect(narrow.data).toMatchObject({ name: user.name, open_id: expect.stringMatching(/^ou_/) as unknown, union_id: expect.stringMatching(/^on_/) as unknown });
    expect(narrow.data?.avatar_big).toMatch(/^https:\/\//);
    for (const field of ['email', 'enterprise_email', 'user_id', 'mobile', 'employee_no']) expect(narrow.data, field).not.toHaveProperty(field);
  });

  it('lets a v2 user token call other Open APIs as the user', async () => {
    emulator = await perTest.start({ seed: 36 });
    await allowRedirects(emulator);
    const client = sdkClient(emulator, emulator.defaultApp());
    const user = someUser(emulator);
    const token = (await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code: await codeFor(emulator, user.userId) })).body['access_token'] as string;
    const got = await client.contact.v3.user.get({ path: { user_id: user.userId }, params: { user_id_type: 'user_id' } }, lark.withUserAccessToken(token));
    expect(got.data?.user?.name).toBe(user.name);
  });

  it('answers 20005 for an unknown token, 20021 for a resigned user and 99991677 once the token expires', async () => {
    emulator = await perTest.start({ seed: 37 });
    await allowRedirects(emulator);
    const user = someUser(emulator, 6);
    const token = (await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code: await codeFor(emulator, user.userId) })).body['access_token'] as string;

    const unknown = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: 'u-unknown' });
    expect([unknown.status, unknown.body['code']]).toEqual([200, 20005]);
    const tenantToken = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: clientOf(emulator).client_id, app_secret: clientOf(emulator).client_secret } });
    const wrongKind = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: tenantToken.body['tenant_access_token'] as string });
    expect(wrongKind.body['code']).toBe(20005);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 7_201 });
    const expired = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token });
    expect([expired.status, expired.body['code']]).toEqual([400, 99991677]);

    const fresh = await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code: await codeFor(emulator, user.userId, { scope: 'offline_access' }) });
    await control(emulator, 'POST', `/_emulator/directory/users/${user.userId}/resign`, {});
    const resigned = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: fresh.body['access_token'] as string });
    expect([resigned.status, resigned.body['code']]).toEqual([200, 20021]);
    const refresh = await tokenV2(emulator, { grant_type: 'refresh_token', ...clientOf(emulator), refresh_token: fresh.body['refresh_token'] as string });
    expect([refresh.status, refresh.body['code']]).toEqual([400, 20066]);
  });
});
