import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, openIdOf, type Emulator } from '../src/index.ts';
import type { Tenant } from '../src/state/types.ts';
import { hire, type HiredUser } from './events-support.ts';
import { outcome } from './support/outcome.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';

type Department = { open_department_id: string; department_id: string; name: string };

// What a directory sync (issue 7) reads, through the official SDK: the department tree level by
// level or recursively, the direct members of each department, user groups and the contact scope.
describe('contact v3 for a directory sync', () => {
  let emulator: Emulator;
  let tenant: Tenant;
  let client: ReturnType<typeof sdkClient>;
  // A subtree of our own under the root: A → B → C, and A → B2.
  let a: Department;
  let b: Department;
  let b2: Department;
  let c: Department;
  let inB: HiredUser[];
  let inC: HiredUser[];

  const createDepartment = async (body: Record<string, unknown>) => (await control<{ department: Department }>(emulator, 'POST', '/_emulator/directory/departments', body)).department;
  const openId = (userId: string) => openIdOf(emulator.defaultApp(), tenant.tenantKey, userId);
  const setScope = (scope: Record<string, unknown>) => control(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { contact_scope: scope });

  beforeAll(async () => {
    // 40 generated departments and a recursion limit of 15: the root is "too big" to recurse.
    emulator = await createEmulator({ seed: 71, users: 300, departments: 40, maxRecursiveDepartments: 15 });
    tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    client = sdkClient(emulator, emulator.defaultApp());
    a = await createDepartment({ name: 'Sync A', department_id: 'SYNC-A' });
    b = await createDepartment({ name: 'Sync B', department_id: 'SYNC-B', parent_department_id: a.open_department_id });
    b2 = await createDepartment({ name: 'Sync B2', department_id: 'SYNC-B2', parent_department_id: 'SYNC-A' });
    c = await createDepartment({ name: 'Sync C', department_id: 'SYNC-C', parent_department_id: b.open_department_id });
    inB = [await hire(emulator, { name: 'B One', department_ids: [b.open_department_id] }), await hire(emulator, { name: 'B Two', department_ids: [b.open_department_id] }), await hire(emulator, { name: 'B Three', department_ids: [b.open_department_id] })];
    inC = [await hire(emulator, { name: 'C One', department_ids: [c.open_department_id] }), await hire(emulator, { name: 'C Two', department_ids: [c.open_department_id, b2.open_department_id] })];
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('lists only direct children without fetch_child, in display order, 10 per page by default', async () => {
    const topLevel = [...tenant.departments.values()].filter((department) => department.parentId === '0').sort((x, y) => x.order - y.order);
    const first = await client.contact.v3.department.children({ path: { department_id: '0' } });
    expect(first.data?.items).toHaveLength(Math.min(10, topLevel.length));
    expect(first.data?.has_more).toBe(topLevel.length > 10);
    const listed: string[] = [];
    let pages = 0;
    for await (const page of await client.contact.v3.department.childrenWithIterator({ path: { department_id: '0' }, params: { page_size: 3 } })) {
      pages += 1;
      for (const item of page?.items ?? []) listed.push(item.open_department_id!);
    }
    expect(listed).toEqual(topLevel.map((department) => department.openDepartmentId));
    expect(pages).toBe(Math.ceil(topLevel.length / 3));

    const underA = await client.contact.v3.department.children({ path: { department_id: a.open_department_id }, params: { page_size: 50 } });
    expect(underA.data?.items?.map((item) => item.name)).toEqual(['Sync B', 'Sync B2']);
  });

  it('recurses with fetch_child=true below a small department and answers 43010 above the threshold', async () => {
    const all = await client.contact.v3.department.children({ path: { department_id: a.open_department_id }, params: { fetch_child: true, page_size: 50 } });
    expect(all.data?.items?.map((item) => item.name).sort()).toEqual(['Sync B', 'Sync B2', 'Sync C']);
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { fetch_child: true } }))).toEqual({ status: 400, code: 43010 });
    // Without recursion the same department pages as usual.
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' } }))).toEqual({ status: 200, code: 0 });

    // The threshold is a setting too: at 2 the subtree of A (3 departments) is too big.
    await control(emulator, 'PATCH', '/_emulator/settings', { max_recursive_departments: 2 });
    try {
      expect(await outcome(client.contact.v3.department.children({ path: { department_id: a.open_department_id }, params: { fetch_child: true } }))).toEqual({ status: 400, code: 43010 });
    } finally {
      await control(emulator, 'PATCH', '/_emulator/settings', { max_recursive_departments: 15 });
    }
    expect((await openApi(emulator, 'PATCH', '/_emulator/settings', { body: { max_recursive_departments: -1 } })).status).toBe(400);
  });

  it('refuses a page size above 50 with 40011 and a token of another listing or garbage with 40012', async () => {
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_size: 51 } }))).toEqual({ status: 400, code: 40011 });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_size: 0 } }))).toEqual({ status: 400, code: 40011 });
    const first = await client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_size: 2 } });
    const token = first.data?.page_token;
    expect(token).toBeDefined();
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_size: 2, page_token: token! } }))).toEqual({ status: 200, code: 0 });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_token: token!, fetch_child: true } }))).toEqual({ status: 400, code: 43010 });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: a.open_department_id }, params: { page_token: token! } }))).toEqual({ status: 400, code: 40012 });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' }, params: { page_token: 'not-a-token' } }))).toEqual({ status: 400, code: 40012 });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: 'od-missing' } }))).toEqual({ status: 400, code: 40015 });
  });

  it('speaks department_id_type and user_id_type in children, leaders included', async () => {
    const leader = inB[0]!;
    await control(emulator, 'PATCH', `/_emulator/directory/departments/${b.open_department_id}`, { leader_user_id: leader.user_id });
    const custom = await client.contact.v3.department.children({ path: { department_id: 'SYNC-A' }, params: { department_id_type: 'department_id', user_id_type: 'user_id' } });
    const listedB = custom.data?.items?.find((item) => item.name === 'Sync B');
    expect(listedB).toMatchObject({ department_id: 'SYNC-B', open_department_id: b.open_department_id, parent_department_id: 'SYNC-A', leader_user_id: leader.user_id });
    const open = await client.contact.v3.department.children({ path: { department_id: a.open_department_id } });
    expect(open.data?.items?.find((item) => item.name === 'Sync B')).toMatchObject({ parent_department_id: a.open_department_id, leader_user_id: openId(leader.user_id) });
    expect(await outcome(client.contact.v3.department.children({ path: { department_id: 'SYNC-A' }, params: { department_id_type: 'custom' as 'department_id' } }))).toEqual({ status: 400, code: 40001 });
  });

  it('counts members over the whole subtree, each person once', async () => {
    const got = await client.contact.v3.department.get({ path: { department_id: a.open_department_id } });
    // B's three, C's two (one of them also in B2): five people under A.
    expect(got.data?.department).toMatchObject({ member_count: 5, primary_member_count: 5 });
    const underB = await client.contact.v3.department.children({ path: { department_id: b.open_department_id } });
    expect(underB.data?.items?.[0]).toMatchObject({ name: 'Sync C', member_count: 2, primary_member_count: 2 });
    const listed = await client.contact.v3.department.children({ path: { department_id: a.open_department_id } });
    expect(listed.data?.items?.find((item) => item.name === 'Sync B2')).toMatchObject({ member_count: 1, primary_member_count: 0 });
  });

  it('lists the direct members of a department only, page by page, with either id family', async () => {
    const pages: string[][] = [];
    for await (const page of await client.contact.v3.user.findByDepartmentWithIterator({ params: { department_id: b.open_department_id, page_size: 2 } })) {
      pages.push((page?.items ?? []).map((item) => item.open_id!));
    }
    expect(pages).toEqual([[openId(inB[0]!.user_id), openId(inB[1]!.user_id)], [openId(inB[2]!.user_id)]]);
    const custom = await client.contact.v3.user.findByDepartment({ params: { department_id: 'SYNC-C', department_id_type: 'department_id', user_id_type: 'user_id' } });
    expect(custom.data?.items?.map((item) => item.user_id)).toEqual(inC.map((user) => user.user_id));
    expect(custom.data?.items?.[1]).toMatchObject({ department_ids: ['SYNC-C', 'SYNC-B2'], orders: [expect.objectContaining({ department_id: 'SYNC-C', is_primary_dept: true }), expect.objectContaining({ department_id: 'SYNC-B2', is_primary_dept: false })] });
    const orders = custom.data?.items?.[1]?.orders ?? [];
    expect(orders[0]!.department_order).toBeGreaterThan(orders[1]!.department_order!);
    expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: b.open_department_id, page_size: 51 } }))).toEqual({ status: 400, code: 40011 });
    expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: b.open_department_id, page_token: 'x' } }))).toEqual({ status: 400, code: 40012 });

    // Someone who resigns leaves the listing.
    const leaver = await hire(emulator, { name: 'Leaver', department_ids: [c.open_department_id] });
    await control(emulator, 'POST', `/_emulator/directory/users/${leaver.user_id}/resign`);
    const after = await client.contact.v3.user.findByDepartment({ params: { department_id: c.open_department_id } });
    expect(after.data?.items?.map((item) => item.open_id)).toEqual(inC.map((user) => openId(user.user_id)));
  });

  it('reads users one at a time, up to 50 at once, and by email or mobile', async () => {
    const one = await client.contact.v3.user.get({ path: { user_id: inB[1]!.user_id }, params: { user_id_type: 'user_id', department_id_type: 'department_id' } });
    expect(one.data?.user).toMatchObject({ user_id: inB[1]!.user_id, name: 'B Two', department_ids: ['SYNC-B'] });
    expect(await outcome(client.contact.v3.user.get({ path: { user_id: 'nobody' }, params: { user_id_type: 'user_id' } }))).toEqual({ status: 400, code: 41050 });

    const userIds = [...tenant.users.values()].filter((user) => !user.deleted).slice(0, 51).map((user) => user.userId);
    const fifty = await client.contact.v3.user.batch({ params: { user_ids: userIds.slice(0, 50), user_id_type: 'user_id' } });
    expect(fifty.data?.items?.map((item) => item.user_id)).toEqual(userIds.slice(0, 50));
    expect(await outcome(client.contact.v3.user.batch({ params: { user_ids: userIds, user_id_type: 'user_id' } }))).toEqual({ status: 400, code: 40001 });

    const emails = [...tenant.users.values()].slice(0, 51).map((user) => user.email);
    expect(await outcome(client.contact.v3.user.batchGetId({ data: { emails } }))).toEqual({ status: 400, code: 40001 });
    const found = await client.contact.v3.user.batchGetId({ params: { user_id_type: 'user_id' }, data: { emails: [inB[2]!.email] } });
    expect(found.data?.user_list).toEqual([expect.objectContaining({ email: inB[2]!.email, user_id: inB[2]!.user_id })]);
  });

  it('reports the whole company as the top-level departments, the root\'s own people and every group', async () => {
    const scopes = await client.contact.v3.scope.list({ params: { page_size: 100, user_id_type: 'user_id' } });
    const topLevel = [...tenant.departments.values()].filter((department) => department.parentId === '0' && !department.deleted).sort((x, y) => x.order - y.order);
    const rootPeople = [...(tenant.members.get('0') ?? [])].filter((userId) => tenant.users.get(userId)?.status.isResigned === false);
    expect(scopes.data?.department_ids).toEqual(topLevel.map((department) => department.openDepartmentId));
    expect(scopes.data?.user_ids).toEqual(rootPeople);
    expect(scopes.data?.group_ids).toEqual([...tenant.groups.keys()]);
    expect(rootPeople.length).toBeGreaterThan(0);
  });

  it('honours a narrower scope of departments, people and groups, users first in the scopes listing', async () => {
    const outsider = [...tenant.users.values()].find((user) => !user.deleted && !user.departmentIds.includes('0'))!;
    const granted = [...tenant.users.values()].find((user) => !user.deleted && user !== outsider && !user.departmentIds.includes('0'))!;
    const viaGroup = [...tenant.users.values()].find((user) => !user.deleted && user !== outsider && user !== granted && !user.departmentIds.includes('0'))!;
    const group = await control<{ group: { group_id: string } }>(emulator, 'POST', '/_emulator/directory/groups', { name: 'Scoped', user_ids: [viaGroup.userId] });
    const otherGroup = [...tenant.groups.keys()].find((id) => id !== group.group.group_id)!;
    // Scopes may name people by any id family and departments by either id.
    await setScope({ departments: ['SYNC-B'], users: [openId(granted.userId)], groups: [group.group.group_id] });
    try {
      const pages: Record<string, unknown>[] = [];
      let pageToken: string | undefined;
      do {
        const page = await client.contact.v3.scope.list({ params: { page_size: 1, user_id_type: 'user_id', ...(pageToken === undefined ? {} : { page_token: pageToken }) } });
        pages.push({ users: page.data?.user_ids, departments: page.data?.department_ids, groups: page.data?.group_ids });
        pageToken = page.data?.page_token;
      } while (pageToken !== undefined);
      expect(pages).toEqual([
        { users: [granted.userId], departments: [], groups: [] },
        { users: [], departments: [b.open_department_id], groups: [] },
        { users: [], departments: [], groups: [group.group.group_id] },
      ]);

      // Departments: the granted one and below; the root and the rest are 40004 (HTTP 403).
      expect(await outcome(client.contact.v3.department.get({ path: { department_id: c.open_department_id } }))).toEqual({ status: 200, code: 0 });
      expect(await outcome(client.contact.v3.department.get({ path: { department_id: a.open_department_id } }))).toEqual({ status: 403, code: 40004 });
      expect(await outcome(client.contact.v3.department.children({ path: { department_id: '0' } }))).toEqual({ status: 403, code: 40004 });
      expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: '0' } }))).toEqual({ status: 403, code: 40004 });
      expect(await outcome(client.contact.v3.user.findByDepartment({ params: { department_id: a.open_department_id } }))).toEqual({ status: 403, code: 40004 });
      const members = await client.contact.v3.user.findByDepartment({ params: { department_id: b.open_department_id, page_size: 50 } });
      expect(members.data?.items).toHaveLength(3);
      expect((await client.contact.v3.department.children({ path: { department_id: b.open_department_id }, params: { fetch_child: true } })).data?.items?.map((item) => item.name)).toEqual(['Sync C']);

      // People: granted directly, through the group, or through a granted department; others 41050.
      for (const userId of [granted.userId, viaGroup.userId, inC[0]!.user_id]) {
        expect(await outcome(client.contact.v3.user.get({ path: { user_id: userId }, params: { user_id_type: 'user_id' } }))).toEqual({ status: 200, code: 0 });
      }
      expect(await outcome(client.contact.v3.user.get({ path: { user_id: outsider.userId }, params: { user_id_type: 'user_id' } }))).toEqual({ status: 400, code: 41050 });
      const batch = await client.contact.v3.user.batch({ params: { user_ids: [granted.userId, outsider.userId], user_id_type: 'user_id' } });
      expect(batch.data?.items?.map((item) => item.user_id)).toEqual([granted.userId]);

      // Groups: only the granted one exists for the app.
      const groups = await client.contact.v3.group.simplelist({ params: {} });
      expect(groups.data?.grouplist?.map((item) => item.id)).toEqual([group.group.group_id]);
      expect(await outcome(client.contact.v3.groupMember.simplelist({ path: { group_id: otherGroup } }))).toEqual({ status: 403, code: 42009 });
    } finally {
      await setScope({ departments: ['0'] });
    }
  });

  it('lists user groups of both types and their members by type and id family', async () => {
    const dynamic = await control<{ group: { group_id: string } }>(emulator, 'POST', '/_emulator/directory/groups', { name: 'Dynamic', type: 2, user_ids: [inB[0]!.user_id] });
    const normal = await control<{ group: { group_id: string } }>(emulator, 'POST', '/_emulator/directory/groups', { name: 'With departments', user_ids: [inB[1]!.user_id], department_ids: ['SYNC-C', a.open_department_id] });
    const dynamicList = await client.contact.v3.group.simplelist({ params: { type: 2 } });
    expect(dynamicList.data?.grouplist).toEqual([expect.objectContaining({ id: dynamic.group.group_id, name: 'Dynamic', type: 2, member_user_count: 1, member_department_count: 0 })]);
    expect(await outcome(client.contact.v3.group.simplelist({ params: { type: 3 } }))).toEqual({ status: 400, code: 40001 });
    expect(await outcome(client.contact.v3.group.simplelist({ params: { page_size: 101 } }))).toEqual({ status: 400, code: 40011 });

    const path = { group_id: normal.group.group_id };
    const departments = await client.contact.v3.groupMember.simplelist({ path, params: { member_type: 'department', member_id_type: 'department_id' } });
    expect(departments.data?.memberlist?.map((member) => member.member_id)).toEqual(['SYNC-C', 'SYNC-A']);
    const openDepartments = await client.contact.v3.groupMember.simplelist({ path, params: { member_type: 'department', member_id_type: 'open_id' } });
    expect(openDepartments.data?.memberlist?.map((member) => member.member_id)).toEqual([c.open_department_id, a.open_department_id]);
    const users = await client.contact.v3.groupMember.simplelist({ path, params: { member_id_type: 'union_id' } });
    expect(users.data?.memberlist).toEqual([{ member_id: inB[1]!.union_id, member_type: 'user', member_id_type: 'union_id' }]);
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path, params: { member_id_type: 'department_id' } }))).toEqual({ status: 400, code: 41072 });
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path, params: { member_type: 'department', member_id_type: 'user_id' } }))).toEqual({ status: 400, code: 41072 });
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path, params: { member_id_type: 'email' as 'open_id' } }))).toEqual({ status: 400, code: 41071 });
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path, params: { member_type: 'everyone' as 'user' } }))).toEqual({ status: 400, code: 41074 });
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path, params: { page_size: 101 } }))).toEqual({ status: 400, code: 40011 });
    expect(await outcome(client.contact.v3.groupMember.simplelist({ path: { group_id: 'no-such-group' } }))).toEqual({ status: 400, code: 42002 });

    const got = await client.contact.v3.group.get({ path });
    expect(got.data?.group).toMatchObject({ id: normal.group.group_id, name: 'With departments', member_user_count: 1, member_department_count: 2, type: 1 });
    const belongs = await client.contact.v3.group.memberBelong({ params: { member_id: inB[1]!.user_id, member_id_type: 'user_id' } });
    expect(belongs.data?.group_list).toEqual([normal.group.group_id]);
  });

  it('lists the workforce types, built-in ones first', async () => {
    const first = await client.contact.v3.employeeTypeEnum.list({ params: { page_size: 2 } });
    expect(first.data?.items?.map((item) => [item.enum_value, item.enum_type, item.enum_status])).toEqual([
      ['1', 1, 1],
      ['2', 1, 1],
    ]);
    expect(first.data?.has_more).toBe(true);
    const all: string[] = [];
    for await (const page of await client.contact.v3.employeeTypeEnum.listWithIterator({ params: { page_size: 100 } })) for (const item of page?.items ?? []) all.push(item.content);
    expect(all).toEqual(['正式', '实习', '外包', '劳务', '顾问']);
    expect(await outcome(client.contact.v3.employeeTypeEnum.list({ params: { page_size: 101 } }))).toEqual({ status: 400, code: 40011 });
  });
});
