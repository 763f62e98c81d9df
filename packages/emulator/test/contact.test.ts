import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, openIdOf, type Emulator } from '../src/index.ts';
import type { Tenant, User } from '../src/state/types.ts';
import { outcome } from './support/outcome.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';

describe('contact v3 through the official SDK', () => {
  let emulator: Emulator;
  let tenant: Tenant;
  let client: ReturnType<typeof sdkClient>;

  beforeAll(async () => {
    emulator = await createEmulator({ seed: 11, users: 1_200, departments: 30 });
    tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    client = sdkClient(emulator, emulator.defaultApp());
  });
  afterAll(async () => {
    await emulator.close();
  });

  const activeUsers = () => [...tenant.users.values()].filter((user) => !user.deleted && !user.status.isResigned);
  const openId = (user: User) => openIdOf(emulator.defaultApp(), tenant.tenantKey, user.userId);

  it('lists the root\'s children page by page and, with fetch_child, the whole tree', async () => {
    const topLevel: string[] = [];
    for await (const page of await client.contact.v3.department.childrenWithIterator({ path: { department_id: '0' }, params: { page_size: 5 } })) {
      for (const item of page?.items ?? []) topLevel.push(item.open_department_id!);
    }
    const expectedTop = [...tenant.departments.values()].filter((department) => department.parentId === '0').map((department) => department.openDepartmentId);
    expect(topLevel.sort()).toEqual(expectedTop.sort());

    const everything: string[] = [];
    for await (const page of await client.contact.v3.department.childrenWithIterator({ path: { department_id: '0' }, params: { page_size: 50, fetch_child: true } })) {
      for (const item of page?.items ?? []) everything.push(item.open_department_id!);
    }
    expect(everything).toHaveLength(tenant.departments.size - 1);
  });

  it('refuses recursion on a department too big to recurse with 43010', async () => {
    await control(emulator, 'PATCH', '/_emulator/settings', { max_recursive_departments: 5 });
    try {
      expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { fetch_child: true } }))).toEqual({ status: 400, code: 43010 });
    } finally {
      await control(emulator, 'PATCH', '/_emulator/settings', { max_recursive_departments: 1_000 });
    }
  });

  it('pages the direct members of a department of more than 1,000 people at 50 per page', async () => {
    const big = [...tenant.members.entries()].find(([, members]) => members.size > 1_000);
    expect(big).toBeDefined();
    const [departmentId, members] = big!;
    let pages = 0;
    const seen = new Set<string>();
    for await (const page of await client.contact.v3.user.findByDepartmentWithIterator({ params: { department_id: departmentId, page_size: 50 } })) {
      pages += 1;
      for (const item of page?.items ?? []) seen.add(item.open_id!);
    }
    expect(seen.size).toBe(members.size);
    expect(pages).toBe(Math.ceil(members.size / 50));
  });

  it('rejects a page size above 50 with 40011 and a foreign page token with 40012', async () => {
    expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: '0', page_size: 51 } }))).toEqual({ status: 400, code: 40011 });
    const first = await client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_size: 1 } });
    const token = first.data?.page_token;
    expect(first.data?.has_more).toBe(true);
    expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: '0', page_token: token! } }))).toEqual({ status: 400, code: 40012 });
  });

  it('finds a user by open_id, union_id and user_id, with the fields the scopes allow', async () => {
    const user = activeUsers()[3]!;
    const byOpenId = await client.contact.v3.user.get({ path: { user_id: openId(user) } });
    const byUnionId = await client.contact.v3.user.get({ path: { user_id: user.unionId }, params: { user_id_type: 'union_id' } });
    const byUserId = await client.contact.v3.user.get({ path: { user_id: user.userId }, params: { user_id_type: 'user_id' } });
    for (const result of [byOpenId, byUnionId, byUserId]) {
      expect(result.data?.user).toMatchObject({ open_id: openId(user), union_id: user.unionId, user_id: user.userId, name: user.name, email: user.email, mobile: user.mobile });
    }

    const app = emulator.defaultApp();
    const allScopes = [...app.scopes];
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { scopes: allScopes.filter((scope) => !['contact:user.email:readonly', 'contact:user.phone:readonly'].includes(scope)) });
    try {
      const limited = await client.contact.v3.user.get({ path: { user_id: openId(user) } });
      expect(limited.data?.user).not.toHaveProperty('email');
      expect(limited.data?.user).not.toHaveProperty('mobile');
      expect(limited.data?.user?.name).toBe(user.name);
    } finally {
      await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { scopes: allScopes });
    }
  });

  it('gives two apps two different open_ids for one person', async () => {
    const second = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    const otherClient = sdkClient(emulator, { appId: second.app_id, appSecret: second.app_secret });
    const user = activeUsers()[0]!;
    const seenByOther = await otherClient.contact.v3.user.get({ path: { user_id: user.userId }, params: { user_id_type: 'user_id' } });
    expect(seenByOther.data?.user?.open_id).toMatch(/^ou_[0-9a-f]{32}$/);
    expect(seenByOther.data?.user?.open_id).not.toBe(openId(user));
    expect(seenByOther.data?.user?.union_id).toBe(user.unionId);
  });

  it('resolves ids from emails and mobiles, leaving unknown ones without a user_id', async () => {
    const [first, second] = activeUsers();
    const result = await client.contact.v3.user.batchGetId({
      params: { user_id_type: 'open_id' },
      data: { emails: [first!.email.toUpperCase(), 'nobody@acme.example'], mobiles: [second!.mobile.replace('+86', '')] },
    });
    expect(result.data?.user_list).toEqual([
      expect.objectContaining({ email: first!.email.toUpperCase(), user_id: openId(first!) }),
      { email: 'nobody@acme.example' },
      expect.objectContaining({ mobile: second!.mobile.replace('+86', ''), user_id: openId(second!) }),
    ]);
  });

  it('answers batch reads and the parent chain of a deep department', async () => {
    const users = activeUsers().slice(0, 3);
    const batch = await client.contact.v3.user.batch({ params: { user_ids: users.map(openId) } });
    expect(batch.data?.items?.map((item) => item.open_id)).toEqual(users.map(openId));

    const deepest = [...tenant.departments.values()].find((department) => {
      let depth = 0;
      for (let current = department; current.parentId !== ''; current = tenant.departments.get(current.parentId)!) depth += 1;
      return depth === 10;
    });
    expect(deepest).toBeDefined();
    const parents: string[] = [];
    for await (const page of await client.contact.v3.department.parentWithIterator({ params: { department_id: deepest!.openDepartmentId, page_size: 50 } })) {
      for (const item of page?.items ?? []) parents.push(item.open_department_id!);
    }
    expect(parents).toHaveLength(9);
    expect(parents[0]).toBe(deepest!.parentId);

    const departments = await client.contact.v3.department.batch({ params: { department_ids: [deepest!.openDepartmentId, deepest!.parentId] } });
    expect(departments.data?.items?.map((item) => item.open_department_id)).toEqual([deepest!.openDepartmentId, deepest!.parentId]);
  });

  it('speaks both department id families', async () => {
    const department = [...tenant.departments.values()].find((candidate) => candidate.parentId !== '' && candidate.parentId !== '0')!;
    const result = await client.contact.v3.department.get({ path: { department_id: department.departmentId }, params: { department_id_type: 'department_id' } });
    expect(result.data?.department).toMatchObject({ open_department_id: department.openDepartmentId, department_id: department.departmentId, parent_department_id: tenant.departments.get(department.parentId)!.departmentId });
  });

  it('lists user groups and their members', async () => {
    const groups = await client.contact.v3.group.simplelist({ params: { page_size: 100 } });
    expect(groups.data?.grouplist?.length).toBe(tenant.groups.size);
    const group = [...tenant.groups.values()][0]!;
    const members = await client.contact.v3.groupMember.simplelist({ path: { group_id: group.groupId }, params: { member_id_type: 'user_id', page_size: 100 } });
    expect(members.data?.memberlist?.map((member) => member.member_id).sort()).toEqual([...group.memberUserIds].sort());
  });

  it('filters by the contact scope: 40004 outside it, and the scopes API reports the grant', async () => {
    const app = emulator.defaultApp();
    const granted = [...tenant.departments.values()].find((department) => department.parentId === '0' && (tenant.children.get(department.openDepartmentId)?.size ?? 0) > 0)!;
    const outside = [...tenant.departments.values()].find((department) => department.parentId === '0' && department !== granted)!;
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: [granted.openDepartmentId], users: [] } });
    try {
      expect(await outcome(client.contact.v3.department.get({ path: { department_id: outside.openDepartmentId } }))).toEqual({ status: 403, code: 40004 });
      expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' } }))).toEqual({ status: 403, code: 40004 });
      const child = await client.contact.v3.department.children({ path: { department_id: granted.openDepartmentId } });
      expect(child.data?.items?.length).toBeGreaterThan(0);
      const scopes = await client.contact.v3.scope.list({ params: {} });
      expect(scopes.data).toMatchObject({ department_ids: [granted.openDepartmentId], user_ids: [], group_ids: [], has_more: false });
    } finally {
      await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: ['0'] } });
    }
  });

  it('answers like Feishu at the edges: x-tt-logid everywhere, 404 with 99991201, 99991672 without a scope', async () => {
    const unknown = await openApi(emulator, 'GET', '/open-apis/no/such/api');
    expect(unknown.status).toBe(404);
    expect(unknown.body['code']).toBe(99991201);
    expect(unknown.headers.get('x-tt-logid')).toMatch(/^\d{14}[0-9A-F]{18}$/);

    const app = emulator.defaultApp();
    const allScopes = [...app.scopes];
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { scopes: ['im:message'] });
    try {
      expect(await outcome(client.contact.v3.user.get({ path: { user_id: openId(activeUsers()[0]!) } }))).toEqual({ status: 400, code: 99991672 });
    } finally {
      await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { scopes: allScopes });
    }
  });
});

describe('the generated organisation', () => {
  it('is the same for the same seed and different for another', async () => {
    const [a, b, c] = await Promise.all([createEmulator({ seed: 21 }), createEmulator({ seed: 21 }), createEmulator({ seed: 22 })]);
    try {
      const names = (emulator: Emulator) => [...emulator.state.tenants.get(emulator.state.defaultTenantKey)!.users.values()].map((user) => `${user.userId}:${user.name}:${user.email}`);
      expect(names(a)).toEqual(names(b));
      expect(names(a)).not.toEqual(names(c));
      expect(a.defaultApp().appId).toBe(b.defaultApp().appId);
      expect(a.defaultApp().appId).toMatch(/^cli_[0-9a-f]{16}$/);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
