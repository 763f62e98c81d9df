import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { hire, subscribe, type AppSettings } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver, type SdkReceiver } from './support/sdk-receiver.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const events = ['contact.department.created_v3', 'contact.department.updated_v3', 'contact.department.deleted_v3', 'contact.scope.updated_v3'];
type Department = { open_department_id: string; department_id: string; name: string; parent_department_id: string };

describe('directory changes to departments, and their contact events', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;
  let receiver: SdkReceiver | undefined;
  let app: AppSettings;

  const setUp = async (seed: number) => {
    emulator = await perTest.start({ seed, users: 10, departments: 3 });
    app = await control<AppSettings>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    receiver = perTest.track(await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events }));
    expect((await subscribe(emulator, app.app_id, receiver.url, events)).url_verification?.ok).toBe(true);
  };
  const nth = (index: number) => eventually(() => receiver!.received[index]);
  const create = (body: Record<string, unknown>) => control<{ department: Department }>(emulator!, 'POST', '/_emulator/directory/departments', body).then((answer) => answer.department);
  const call = (method: string, path: string, body?: unknown) => fetch(`${emulator!.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('creates a department, announced with created_v3 and readable through the Open API', async () => {
    await setUp(51);
    const created = await create({ name: '研发部', en_name: 'R&D', department_id: 'RD' });
    expect(created).toMatchObject({ name: '研发部', department_id: 'RD', parent_department_id: '0' });
    expect(created.open_department_id).toMatch(/^od-[0-9a-f]{32}$/);
    const event = await nth(0);
    expect(event.type).toBe('contact.department.created_v3');
    expect(event.data['object']).toMatchObject({ name: '研发部', department_id: 'RD', open_department_id: created.open_department_id, parent_department_id: '0', status: { is_deleted: false } });
    expect(typeof (event.data['object'] as { order: unknown }).order).toBe('number');

    const client = sdkClient(emulator!, { appId: app.app_id, appSecret: app.app_secret });
    const fetched = await client.contact.v3.department.get({ path: { department_id: 'RD' }, params: { department_id_type: 'department_id' } });
    expect(fetched.data?.department?.open_department_id).toBe(created.open_department_id);
  });

  it('renames and moves a department, with only the changed fields in old_object, and refuses cycles', async () => {
    await setUp(52);
    const parent = await create({ name: 'Parent' });
    const child = await create({ name: 'Child', parent_department_id: parent.open_department_id });
    const other = await create({ name: 'Other' });
    await nth(2);

    await control(emulator!, 'PATCH', `/_emulator/directory/departments/${child.open_department_id}`, { name: 'Renamed' });
    expect((await nth(3)).data['old_object']).toEqual({ name: 'Child' });

    const cycle = await call('POST', `/_emulator/directory/departments/${parent.open_department_id}/move`, { parent_department_id: child.open_department_id });
    expect(cycle.status).toBe(400);
    const self = await call('POST', `/_emulator/directory/departments/${parent.department_id}/move`, { parent_department_id: parent.department_id });
    expect(self.status).toBe(400);

    const moved = await control<{ department: Department }>(emulator!, 'POST', `/_emulator/directory/departments/${child.open_department_id}/move`, { parent_department_id: other.open_department_id });
    expect(moved.department.parent_department_id).toBe(other.open_department_id);
    const event = await nth(4);
    expect(event.data['old_object']).toEqual({ parent_department_id: parent.open_department_id });
    expect(event.data['object']).toMatchObject({ name: 'Renamed', parent_department_id: other.open_department_id });
  });

  it('refuses to delete a department with members or sub-departments, then deletes it once empty', async () => {
    await setUp(53);
    const doomed = await create({ name: 'Doomed' });
    const sub = await create({ name: 'Sub', parent_department_id: doomed.open_department_id });
    const member = await hire(emulator!, { name: 'Member', department_ids: [doomed.open_department_id] });

    const withChild = await call('DELETE', `/_emulator/directory/departments/${doomed.open_department_id}`);
    expect(withChild.status).toBe(409);
    expect(((await withChild.json()) as { msg: string }).msg).toMatch(/sub-department/);
    await control(emulator!, 'DELETE', `/_emulator/directory/departments/${sub.open_department_id}`);
    const withMember = await call('DELETE', `/_emulator/directory/departments/${doomed.open_department_id}`);
    expect(withMember.status).toBe(409);
    expect(((await withMember.json()) as { msg: string }).msg).toMatch(/member/);
    await control(emulator!, 'POST', `/_emulator/directory/users/${member.user_id}/move`, { department_ids: ['0'] });
    const deleted = await control<{ department: { deleted: boolean } }>(emulator!, 'DELETE', `/_emulator/directory/departments/${doomed.open_department_id}`);
    expect(deleted.department.deleted).toBe(true);

    const event = await eventually(() => receiver!.received.find((item) => item.type === 'contact.department.deleted_v3' && (item.data['object'] as Department).name === 'Doomed'));
    expect(event.data['old_object']).toEqual({ status: { is_deleted: false }, open_department_id: doomed.open_department_id });
    expect(event.data['object']).toMatchObject({ status: { is_deleted: true } });
    expect((await call('DELETE', '/_emulator/directory/departments/0')).status).toBe(400);
    expect((await call('GET', `/_emulator/directory/departments/${doomed.open_department_id}`)).status).toBe(404);
  });

  it('sends contact.scope.updated_v3 with what entered and what left the app\'s contact scope', async () => {
    await setUp(54);
    const granted = await create({ name: 'Granted' });
    await nth(0);
    await control(emulator!, 'PATCH', `/_emulator/apps/${app.app_id}`, { contact_scope: { departments: [granted.open_department_id], users: [], groups: [] } });
    const event = await eventually(() => receiver!.received.find((item) => item.type === 'contact.scope.updated_v3'));
    const { added, removed } = event.data as { added: { departments: Department[]; users: unknown[] }; removed: { departments: Department[] } };
    expect(added.departments.map((department) => department.open_department_id)).toEqual([granted.open_department_id]);
    expect(added.users).toEqual([]);
    expect(removed.departments.map((department) => department.open_department_id)).toEqual(['0']);

    // Outside the new scope the app hears nothing about new departments. 'Within' is created
    // after 'Elsewhere', so once it has arrived, an event about 'Elsewhere' would have too.
    await create({ name: 'Elsewhere' });
    await create({ name: 'Within', parent_department_id: granted.open_department_id });
    const within = await eventually(() => receiver!.received.find((item) => (item.data['object'] as Department | undefined)?.name === 'Within'));
    expect(within.type).toBe('contact.department.created_v3');
    expect(receiver!.received.some((item) => (item.data['object'] as Department | undefined)?.name === 'Elsewhere')).toBe(false);
  });
});
