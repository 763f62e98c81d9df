import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, openIdOf, type Emulator } from '../src/index.ts';
import { control, openApi } from './support/sdk.ts';

/** Bad input gets a clear 4xx and leaves the emulator working; scope answers agree across routes. */
describe('emulator robustness', () => {
  let emulator: Emulator;
  let token: string;

  beforeAll(async () => {
    emulator = await createEmulator({ seed: 41, users: 60, departments: 30 });
    const { appId, appSecret } = emulator.defaultApp();
    token = (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })).body['tenant_access_token'] as string;
  });
  afterAll(async () => {
    await emulator.close();
  });

  const raw = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses a clock advance that would leave representable time, and keeps answering', async () => {
    for (const body of [{ ms: 1e20 }, { seconds: Number.MAX_VALUE }, { ms: -1 }, { ms: 'soon' }]) {
      expect((await raw('POST', '/_emulator/clock/advance', body)).status).toBe(400);
    }
    const after = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token });
    expect(after.body['code']).toBe(0);
    expect(after.headers.get('x-tt-logid')).toMatch(/^\d{14}/);
  });

  it('refuses forged page tokens and odd page sizes', async () => {
    const forged = Buffer.from(JSON.stringify({ o: -5, s: 'children:0:false' })).toString('base64url');
    const negative = await openApi(emulator, 'GET', `/open-apis/contact/v3/departments/0/children?page_token=${forged}`, { token });
    expect([negative.status, negative.body['code']]).toEqual([400, 40012]);
    const exponent = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0/children?page_size=1e1', { token });
    expect([exponent.status, exponent.body['code']]).toEqual([400, 40011]);
  });

  it('answers 41050 for a user outside the contact scope and leaves such ids out of batch reads', async () => {
    const app = emulator.defaultApp();
    const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    // A leaf department: most people are outside it.
    const granted = [...tenant.departments.values()].find((department) => department.parentId !== '' && (tenant.children.get(department.openDepartmentId)?.size ?? 0) === 0)!;
    const subtree = new Set([granted.openDepartmentId]);
    for (const id of subtree) for (const child of tenant.children.get(id) ?? []) subtree.add(child);
    const outsider = [...tenant.users.values()].find((user) => !user.departmentIds.some((id) => subtree.has(id)))!;
    const other = [...tenant.departments.values()].find((department) => department.parentId !== '' && !subtree.has(department.openDepartmentId))!;
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: [granted.openDepartmentId] } });
    try {
      const single = await openApi(emulator, 'GET', `/open-apis/contact/v3/users/${openIdOf(app, tenant.tenantKey, outsider.userId)}`, { token });
      // user/get docs: "no user authority" (41050, HTTP 400), not the departments' 40004.
      expect([single.status, single.body['code']]).toEqual([400, 41050]);
      const batch = await openApi(emulator, 'GET', `/open-apis/contact/v3/departments/batch?department_ids=${granted.openDepartmentId}&department_ids=${other.openDepartmentId}`, { token });
      expect((batch.body['data'] as { items: { open_department_id: string }[] }).items.map((item) => item.open_department_id)).toEqual([granted.openDepartmentId]);
    } finally {
      await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: ['0'] } });
    }
  });

  it('refuses absurd organisation sizes and non-string keys on the control API', async () => {
    for (const body of [{ users: 1e8 }, { users: -1 }, { departments: 2.5 }]) expect((await raw('POST', '/_emulator/tenants', body)).status).toBe(400);
    const app = emulator.defaultApp();
    expect((await raw('PATCH', `/_emulator/apps/${app.appId}`, { encrypt_key: 5 })).status).toBe(400);
    expect((await control<{ encrypt_key: string }>(emulator, 'GET', `/_emulator/apps/${app.appId}`)).encrypt_key).toBe(app.encryptKey);
  });

  it('answers malformed Basic credentials and an unreadable login form with Feishu errors, not 500', async () => {
    const { appId } = emulator.defaultApp();
    const basic = await fetch(`${emulator.url}/open-apis/authen/v2/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${appId}:%E0%A4%A`).toString('base64')}` },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    expect(basic.status).toBe(400);
    expect(((await basic.json()) as { code: number }).code).toBe(20063);

    const form = await fetch(`${emulator.url}/open-apis/authen/v1/authorize/login`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="request_id"\r\n\r\nbroken',
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('20001');
  });
});
