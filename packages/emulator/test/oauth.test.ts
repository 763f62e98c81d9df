import { describe, expect, it } from 'vitest';
import { openIdOf, type Emulator } from '../src/index.ts';
import { allowRedirects, CALLBACK, clientOf, openAuthorize, preselect, requestIdOf, someUser, submitLogin, tokenV2 } from './oauth-support.ts';
import { control, openApi } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe('OAuth login, end to end over HTTP', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  it('signs a user in through the login page, exchanges the code, rotates the refresh token and reads user_info', async () => {
    emulator = await perTest.start({ seed: 11 });
    await allowRedirects(emulator);
    const user = someUser(emulator, 3);
    const appId = emulator.state.defaultAppId;

    const page = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK, scope: 'offline_access contact:user.email:readonly', state: 'st-1' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await page.text();
    expect(body).toContain(html(user.name));
    const requestId = requestIdOf(body);

    const redirected = await submitLogin(emulator, { request_id: requestId, tenant_key: emulator.state.defaultTenantKey, user_id: user.userId });
    expect(redirected.status).toBe(302);
    const callback = new URL(redirected.headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('st-1');
    const code = callback.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{64,}$/);

    // The pending request is answered once only.
    const again = await submitLogin(emulator, { request_id: requestId, user_id: user.userId });
    expect([again.status, again.headers.get('location')]).toEqual([400, null]);

    const exchanged = await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code, redirect_uri: CALLBACK });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ code: 0, expires_in: 7200, refresh_token_expires_in: 604_800, token_type: 'Bearer', scope: 'contact:user.email:readonly offline_access' });
    expect(exchanged.body).not.toHaveProperty('data');
    const accessToken = exchanged.body['access_token'] as string;
    expect(accessToken).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(accessToken.length).toBeGreaterThan(900);

    const info = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: accessToken });
    expect(info.body).toMatchObject({ code: 0, msg: 'success', data: { name: user.name, email: user.email, tenant_key: emulator.state.defaultTenantKey } });
    expect((info.body['data'] as Record<string, unknown>)['open_id']).toBe(openIdOf(emulator.defaultApp(), emulator.state.defaultTenantKey, user.userId));

    const firstRefresh = exchanged.body['refresh_token'] as string;
    const refreshed = await tokenV2(emulator, { grant_type: 'refresh_token', ...clientOf(emulator), refresh_token: firstRefresh });
    expect(refreshed.body).toMatchObject({ code: 0, token_type: 'Bearer', expires_in: 7200 });
    const secondRefresh = refreshed.body['refresh_token'] as string;
    expect(secondRefresh).not.toBe(firstRefresh);
    expect(refreshed.body['access_token']).not.toBe(accessToken);

    const reused = await tokenV2(emulator, { grant_type: 'refresh_token', ...clientOf(emulator), refresh_token: firstRefresh });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 20073, error: 'invalid_grant' });
    expect(reused.body).not.toHaveProperty('access_token');

    const rotatedAgain = await tokenV2(emulator, { grant_type: 'refresh_token', ...clientOf(emulator), refresh_token: secondRefresh });
    expect(rotatedAgain.body['code']).toBe(0);
    // The access token issued before the refresh keeps working until it expires.
    const stillValid = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: accessToken });
    expect(stillValid.body['code']).toBe(0);
  });

  it('redirects with error=access_denied when the user denies', async () => {
    emulator = await perTest.start({ seed: 12 });
    await allowRedirects(emulator);
    const page = await openAuthorize(emulator, { client_id: emulator.state.defaultAppId, response_type: 'code', redirect_uri: CALLBACK, state: 'deny-me' });
    const denied = await submitLogin(emulator, { request_id: requestIdOf(await page.text()), action: 'deny' });
    expect(denied.status).toBe(302);
    expect(denied.headers.get('location')).toBe(`${CALLBACK}?error=access_denied&state=deny-me`);
  });

  it('puts the code into an existing query and re-appends the #fragment after it', async () => {
    emulator = await perTest.start({ seed: 13 });
    const redirect = 'https://app.example/cb?tenant=7#/login';
    await allowRedirects(emulator, [redirect]);
    await preselect(emulator, { app_id: emulator.state.defaultAppId, user_id: someUser(emulator).userId });
    const response = await openAuthorize(emulator, { client_id: emulator.state.defaultAppId, response_type: 'code', redirect_uri: redirect, state: 's' });
    expect(response.headers.get('location')).toMatch(/^https:\/\/app\.example\/cb\?tenant=7&code=[A-Za-z0-9_-]{64,}&state=s#\/login$/);
  });

  it('shows an error page with no redirect for a redirect_uri off the allow-list, even one slash or parameter off', async () => {
    emulator = await perTest.start({ seed: 14 });
    await allowRedirects(emulator);
    const appId = emulator.state.defaultAppId;
    for (const redirect of ['https://evil.example/cb', `${CALLBACK}/`, `${CALLBACK}?next=/admin`, 'https://app.example/oauth/Callback']) {
      const response = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: redirect, state: 'x' });
      expect(response.status, redirect).toBe(400);
      expect(response.headers.get('location'), redirect).toBeNull();
      expect(await response.text(), redirect).toContain('20029');
    }
    const unknownApp = await openAuthorize(emulator, { client_id: 'cli_0000000000000000', response_type: 'code', redirect_uri: CALLBACK });
    expect(unknownApp.status).toBe(400);
    expect(await unknownApp.text()).toContain('20028');
    const badScope = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK, scope: 'calendar:calendar' });
    expect(badScope.status).toBe(400);
    expect(await badScope.text()).toContain('20027');
  });

  it('skips the login page for a user pre-selected through the control API, by user_id or email, once', async () => {
    emulator = await perTest.start({ seed: 15 });
    await allowRedirects(emulator);
    const appId = emulator.state.defaultAppId;
    const user = someUser(emulator, 5);
    const selected = await preselect(emulator, { app_id: appId, email: user.email });
    expect(selected).toMatchObject({ app_id: appId, user_id: user.userId, open_id: openIdOf(emulator.defaultApp(), emulator.state.defaultTenantKey, user.userId) });

    const first = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK, state: 'auto' });
    expect(first.status).toBe(302);
    const code = new URL(first.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await tokenV2(emulator, { grant_type: 'authorization_code', ...clientOf(emulator), code });
    const info = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: token.body['access_token'] as string });
    expect((info.body['data'] as Record<string, unknown>)['name']).toBe(user.name);

    // Used up: the next request shows the page again.
    const second = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK });
    expect(second.status).toBe(200);

    await preselect(emulator, { deny: true });
    const denied = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK, state: 'no' });
    expect(denied.headers.get('location')).toBe(`${CALLBACK}?error=access_denied&state=no`);
  });

  it('accepts app_id on the legacy /authen/v1/index and on /authorize', async () => {
    emulator = await perTest.start({ seed: 16 });
    await allowRedirects(emulator);
    const appId = emulator.state.defaultAppId;
    const page = await openAuthorize(emulator, { app_id: appId, redirect_uri: CALLBACK, state: 'legacy' }, '/open-apis/authen/v1/index');
    expect(page.status).toBe(200);
    const redirected = await submitLogin(emulator, { request_id: requestIdOf(await page.text()), user_id: someUser(emulator).userId });
    const location = new URL(redirected.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('legacy');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{64,}$/);

    await preselect(emulator, { app_id: appId, user_id: someUser(emulator).userId });
    const viaAppId = await openAuthorize(emulator, { app_id: appId, redirect_uri: CALLBACK });
    expect(viaAppId.status).toBe(302);
    expect(new URL(viaAppId.headers.get('location') ?? '').searchParams.has('state')).toBe(false);
  });

  it('lets the user pick the tenant when a store app is installed in several', async () => {
    emulator = await perTest.start({ seed: 17 });
    const other = await control<{ tenant_key: string; name: string }>(emulator, 'POST', '/_emulator/tenants', { name: 'Second Tenant', users: 5, departments: 1 });
    const store = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: [emulator.state.defaultTenantKey, other.tenant_key] });
    await allowRedirects(emulator, [CALLBACK], store.app_id);

    const page = await openAuthorize(emulator, { client_id: store.app_id, response_type: 'code', redirect_uri: CALLBACK });
    const text = await page.text();
    expect(text).toContain('Acme Emulated Co.');
    expect(text).toContain('Second Tenant');
    const [someone] = emulator.state.tenants.get(other.tenant_key)?.users.values() ?? [];
    const redirected = await submitLogin(emulator, { request_id: requestIdOf(text), tenant_key: other.tenant_key, user_id: someone?.userId ?? '' });
    const code = new URL(redirected.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await tokenV2(emulator, { grant_type: 'authorization_code', client_id: store.app_id, client_secret: store.app_secret, code });
    const info = await openApi(emulator, 'GET', '/open-apis/authen/v1/user_info', { token: token.body['access_token'] as string });
    expect(info.body['data']).toMatchObject({ tenant_key: other.tenant_key, name: someone?.name });
  });

  it('forgets pending logins, codes and pre-selections on reset', async () => {
    emulator = await perTest.start({ seed: 18 });
    await allowRedirects(emulator);
    await preselect(emulator, { user_id: someUser(emulator).userId });
    await control(emulator, 'POST', '/_emulator/reset');
    await allowRedirects(emulator);
    const page = await openAuthorize(emulator, { client_id: emulator.state.defaultAppId, response_type: 'code', redirect_uri: CALLBACK });
    expect(page.status).toBe(200);
  });
});
