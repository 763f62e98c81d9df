import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { hire, subscribe, type AppSettings } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { sdkReceiver, type Received, type SdkReceiver } from './support/sdk-receiver.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';

const enumEvents = ['created', 'updated', 'deleted', 'actived', 'deactivated'].map((change) => `contact.employee_type_enum.${change}_v3`);
const events = ['contact.user.created_v3', 'contact.user.updated_v3', 'contact.user.deleted_v3', 'contact.department.created_v3', 'contact.department.updated_v3', 'contact.scope.updated_v3', ...enumEvents];

type Option = { enum_id: string; enum_value: string; content: string; enum_type: number; enum_status: number; i18n_content: { locale: string; value: string }[] };

describe('directory control for a sync: silent changes, workforce types, groups and scope, with event times', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator;
  let app: AppSettings;
  let receiver: SdkReceiver;

  // Emulated time runs 1,000 times slower than real time, so "now" barely moves during a test.
  const setUp = async (seed: number) => {
    emulator = await perTest.start({ seed, users: 20, departments: 4, timeScale: 0.001 });
    app = await control<AppSettings>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    receiver = perTest.track(await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events }));
    expect((await subscribe(emulator, app.app_id, receiver.url, events)).url_verification?.ok).toBe(true);
  };
  const clock = async () => (await control<{ now: number }>(emulator, 'GET', '/_emulator/clock')).now;
  const arrived = (predicate: (event: Received) => boolean) => eventually(() => receiver.received.find(predicate));
  const named = (name: string) => (event: Received) => (event.data['object'] as { name?: string } | undefined)?.name === name;
  const client = () => sdkClient(emulator, { appId: app.app_id, appSecret: app.app_secret });

  it('stamps each event with the emulated time of the change', async () => {
    await setUp(81);
    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 3 * 86_400 });
    const before = await clock();
    const hired = await hire(emulator, { name: 'Timed' });
    const after = await clock();
    const created = await arrived(named('Timed'));
    const createTime = Number(created.data['create_time']);
    expect(createTime).toBeGreaterThanOrEqual(before);
    expect(createTime).toBeLessThanOrEqual(after);
    // Three emulated days ahead of the real clock, so this is not the wall-clock time.
    expect(createTime - Date.now()).toBeGreaterThan(2 * 86_400_000);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 3_600 });
    const changedAt = await clock();
    await control(emulator, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { name: 'Timed Later' });
    const updated = await arrived(named('Timed Later'));
    expect(Number(updated.data['create_time'])).toBeGreaterThanOrEqual(changedAt);
    expect(Number(updated.data['create_time']) - createTime).toBeGreaterThanOrEqual(3_600_000);
  });

  it('changes people and departments silently when asked, and the Open API shows the change', async () => {
    await setUp(82);
    const hired = await hire(emulator, { name: 'Quiet', silent: true });
    const renamed = await control<{ user: { name: string } }>(emulator, 'PATCH', `/_emulator/directory/users/${hired.user_id}?silent=true`, { name: 'Quieter', job_title: 'Auditor', is_frozen: true });
    expect(renamed.user.name).toBe('Quieter');
    const department = await control<{ department: { open_department_id: string } }>(emulator, 'POST', '/_emulator/directory/departments', { name: 'Hidden', silent: true });
    await control(emulator, 'POST', `/_emulator/directory/users/${hired.user_id}/move`, { department_ids: [department.department.open_department_id], silent: true });
    await control(emulator, 'POST', `/_emulator/directory/users/${hired.user_id}/resign`, { silent: true });

    const read = await client().contact.v3.user.get({ path: { user_id: hired.user_id }, params: { user_id_type: 'user_id' } });
    expect(read.data?.user).toMatchObject({ name: 'Quieter', job_title: 'Auditor', department_ids: [department.department.open_department_id], status: { is_frozen: true, is_resigned: true } });

    // A bad flag is refused before anything changes.
    const refused = await openApi(emulator, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { body: { name: 'Loud', silent: 'yes' } });
    expect(refused.status).toBe(400);

    // A loud change after the quiet ones: once it has arrived, any event for them would have too.
    await hire(emulator, { name: 'Marker' });
    await arrived(named('Marker'));
    expect(receiver.received.map((event) => (event.data['object'] as { name?: string }).name)).toEqual(['Marker']);
  });

  it('manages workforce types with their five events, refusing to delete a built-in one', async () => {
    await setUp(83);
    const enums = () => receiver.received.filter((event) => event.type.startsWith('contact.employee_type_enum.'));
    const created = (await control<{ employee_type_enum: Option }>(emulator, 'POST', '/_emulator/directory/employee-type-enums', { content: '专家', i18n_content: [{ locale: 'en_us', value: 'Expert' }] })).employee_type_enum;
    expect(created).toMatchObject({ enum_value: '6', content: '专家', enum_type: 2, enum_status: 1 });
    expect(created.enum_id).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const path = `/_emulator/directory/employee-type-enums/${encodeURIComponent(created.enum_id)}`;
    // One change at a time: pushes are concurrent, so waiting keeps the received order the emitted one.
    await eventually(() => enums().length === 1);
    for (const [count, change] of [[2, { content: '资深专家' }], [3, { enum_status: 2 }], [4, { enum_status: 1 }]] as const) {
      await control(emulator, 'PATCH', path, change);
      await eventually(() => enums().length === count);
    }
    await control(emulator, 'DELETE', path);
    await eventually(() => enums().length === 5);
    expect(enums().map((event) => event.type.split('.')[2])).toEqual(['created_v3', 'updated_v3', 'deactivated_v3', 'actived_v3', 'deleted_v3']);
    const [onCreate, onUpdate, onDeactivate, onActivate, onDelete] = enums().map((event) => event.data);
    expect(onCreate).toMatchObject({ new_enum: created });
    expect(onCreate).not.toHaveProperty('old_enum');
    expect(onUpdate).toMatchObject({ old_enum: { content: '专家' }, new_enum: { content: '资深专家', enum_status: 1 } });
    expect(onDeactivate).toMatchObject({ old_enum: { enum_status: 1 }, new_enum: { enum_status: 2, content: '资深专家' } });
    expect(onActivate).toMatchObject({ old_enum: { enum_status: 2 }, new_enum: { enum_status: 1 } });
    expect(onDelete).toMatchObject({ old_enum: { enum_id: created.enum_id } });
    expect(onDelete).not.toHaveProperty('new_enum');

    const builtIn = (await client().contact.v3.employeeTypeEnum.list({ params: { page_size: 100 } })).data?.items?.[0];
    expect(builtIn).toMatchObject({ enum_value: '1', enum_type: 1 });
    expect((await openApi(emulator, 'DELETE', `/_emulator/directory/employee-type-enums/${encodeURIComponent(builtIn!.enum_id!)}`)).status).toBe(400);
    // Numbers of deleted types are not reused; a silent creation is listed but not announced.
    const next = (await control<{ employee_type_enum: Option }>(emulator, 'POST', '/_emulator/directory/employee-type-enums', { content: '顾问二', silent: true })).employee_type_enum;
    expect(next.enum_value).toBe('7');
    const listed = (await client().contact.v3.employeeTypeEnum.list({ params: { page_size: 100 } })).data?.items?.map((item) => item.enum_value);
    expect(listed).toEqual(['1', '2', '3', '4', '5', '7']);
    await hire(emulator, { name: 'Marker' });
    await arrived(named('Marker'));
    expect(enums()).toHaveLength(5);
  });

  it('sets the contact scope by any id family, announces it unless silent, and refuses unknown ids', async () => {
    await setUp(84);
    const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    const person = [...tenant.users.values()][0]!;
    const group = [...tenant.groups.values()][0]!;
    const department = [...tenant.departments.values()].find((candidate) => candidate.parentId === '0')!;
    const patch = (body: Record<string, unknown>) => openApi(emulator, 'PATCH', `/_emulator/apps/${app.app_id}`, { body });

    expect((await patch({ contact_scope: { users: ['nobody'] } })).status).toBe(404);
    expect((await patch({ contact_scope: { groups: ['no-group'] } })).status).toBe(404);
    expect((await patch({ contact_scope: { departments: 'all' } })).status).toBe(400);
    const unchanged = await control<{ installations: { contact_scope: unknown }[] }>(emulator, 'GET', `/_emulator/apps/${app.app_id}`);
    expect(unchanged.installations[0]?.contact_scope).toEqual({ departments: ['0'], users: [], groups: [] });

    await patch({ contact_scope: { departments: [department.departmentId], users: [person.unionId], groups: [group.groupId] } });
    const event = await arrived((received) => received.type === 'contact.scope.updated_v3');
    const { added, removed } = event.data as { added: Record<string, { open_department_id?: string; union_id?: string; user_group_id?: string }[]>; removed: Record<string, { open_department_id?: string }[]> };
    expect(added['departments']?.map((item) => item.open_department_id)).toEqual([department.openDepartmentId]);
    expect(added['users']?.map((item) => item.union_id)).toEqual([person.unionId]);
    expect(added['user_groups']?.map((item) => item.user_group_id)).toEqual([group.groupId]);
    expect(removed['departments']?.map((item) => item.open_department_id)).toEqual(['0']);
    const stored = await control<{ installations: { contact_scope: unknown }[] }>(emulator, 'GET', `/_emulator/apps/${app.app_id}`);
    expect(stored.installations[0]?.contact_scope).toEqual({ departments: [department.openDepartmentId], users: [person.userId], groups: [group.groupId] });

    // Silent: the scope changes, no event.
    expect((await patch({ contact_scope: { departments: ['0'] }, silent: true })).status).toBe(200);
    const scopes = await client().contact.v3.scope.list({ params: { page_size: 100 } });
    expect(scopes.data?.group_ids).toEqual([...tenant.groups.keys()]);
    await hire(emulator, { name: 'Marker' });
    await arrived(named('Marker'));
    expect(receiver.received.filter((received) => received.type === 'contact.scope.updated_v3')).toHaveLength(1);
  });

  it('creates, changes and deletes user groups through the control API', async () => {
    await setUp(85);
    const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    const [first, second] = [...tenant.users.values()];
    const department = [...tenant.departments.values()].find((candidate) => candidate.parentId === '0')!;
    const groups = '/_emulator/directory/groups';
    const created = await control<{ group: { group_id: string } }>(emulator, 'POST', groups, { name: 'Reviewers', group_id: 'reviewers', user_ids: [first!.userId], department_ids: [department.departmentId] });
    expect(created.group).toEqual({ group_id: 'reviewers', name: 'Reviewers', description: '', type: 1, user_ids: [first!.userId], department_ids: [department.openDepartmentId] });
    expect((await openApi(emulator, 'POST', groups, { body: { name: 'Again', group_id: 'reviewers' } })).status).toBe(409);
    expect((await openApi(emulator, 'POST', groups, { body: { name: 'Bad member', user_ids: ['nobody'] } })).status).toBe(404);
    expect((await openApi(emulator, 'POST', groups, { body: { name: 'Dynamic', type: 2, department_ids: [department.openDepartmentId] } })).status).toBe(400);

    await control(emulator, 'POST', `${groups}/reviewers/members`, { user_ids: [second!.unionId] });
    await control(emulator, 'DELETE', `${groups}/reviewers/members`, { user_ids: [first!.userId], department_ids: [department.openDepartmentId] });
    await control(emulator, 'PATCH', `${groups}/reviewers`, { name: 'Senior reviewers', description: 'Second pair of eyes' });
    const members = await client().contact.v3.groupMember.simplelist({ path: { group_id: 'reviewers' }, params: { member_id_type: 'user_id' } });
    expect(members.data?.memberlist?.map((member) => member.member_id)).toEqual([second!.userId]);
    const listed = (await client().contact.v3.group.simplelist({ params: { page_size: 100 } })).data?.grouplist?.find((item) => item.id === 'reviewers');
    expect(listed).toMatchObject({ name: 'Senior reviewers', description: 'Second pair of eyes', member_user_count: 1, member_department_count: 0 });

    await control(emulator, 'DELETE', `${groups}/reviewers`);
    expect((await openApi(emulator, 'GET', `${groups}/reviewers`)).status).toBe(404);
    const after = (await client().contact.v3.group.simplelist({ params: { page_size: 100 } })).data?.grouplist?.map((item) => item.id);
    expect(after).not.toContain('reviewers');
  });
});
