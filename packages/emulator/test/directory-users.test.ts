import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { hire, subscribe, type AppSettings } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver, type Received } from './support/sdk-receiver.ts';
import { control, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const userEvents = ['contact.user.created_v3', 'contact.user.updated_v3', 'contact.user.deleted_v3'];
type Department = { open_department_id: string; department_id: string };

describe('directory changes to people, and their contact events', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const listen = async (app: AppSettings) => {
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: userEvents });
    perTest.track(receiver);
    expect((await subscribe(emulator!, app.app_id, receiver.url, userEvents)).url_verification?.ok).toBe(true);
    return receiver;
  };
  const setUp = async (seed: number) => {
    emulator = await perTest.start({ seed, users: 10, departments: 3 });
    const app = await control<AppSettings>(emulator, 'GET', `/_emulator/apps/${emulator.defaultApp().appId}`);
    return { app, receiver: await listen(app) };
  };
  const nth = (receiver: { received: Received[] }, index: number) => eventually(() => receiver.received[index]);
  const department = (name: string) => control<{ department: Department }>(emulator!, 'POST', '/_emulator/directory/departments', { name }).then((answer) => answer.department);
  const call = (method: string, path: string, body?: unknown) => fetch(`${emulator!.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  it('hires a person, who is then readable through the Open API and announced with created_v3', async () => {
    const { app, receiver } = await setUp(41);
    const sales = await department('Sales');
    const hired = await hire(emulator!, { name: '李雷', en_name: 'Lei Li', email: 'lei.li@acme.example', mobile: '13800000001', department_ids: [sales.open_department_id] });
    expect(hired).toMatchObject({ name: '李雷', email: 'lei.li@acme.example', department_ids: [sales.open_department_id] });
    const openId = hired.open_ids[app.app_id]!;
    expect(openId).toMatch(/^ou_/);

    const event = await nth(receiver, 0);
    expect(event.type).toBe('contact.user.created_v3');
    expect(event.data['object']).toMatchObject({ open_id: openId, user_id: hired.user_id, email: 'lei.li@acme.example', mobile: '+8613800000001', department_ids: [sales.open_department_id] });

    const client = sdkClient(emulator!, { appId: app.app_id, appSecret: app.app_secret });
    const fetched = await client.contact.v3.user.get({ path: { user_id: openId } });
    expect(fetched.data?.user?.name).toBe('李雷');
  });

  it('sends updated_v3 with only the changed fields in old_object, email changes in an event of their own', async () => {
    const { app, receiver } = await setUp(42);
    const hired = await hire(emulator!, { name: 'Before', email: 'before@acme.example' });
    await nth(receiver, 0);

    await control(emulator!, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { name: 'After' });
    const renamed = await nth(receiver, 1);
    expect(renamed.type).toBe('contact.user.updated_v3');
    expect(renamed.data['old_object']).toEqual({ name: 'Before' });
    expect(renamed.data['object']).toMatchObject({ name: 'After', email: 'before@acme.example' });

    await control(emulator!, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { email: 'after@acme.example', job_title: 'Buyer' });
    await nth(receiver, 3);
    const olds = receiver.received.slice(2).map((event) => event.data['old_object']);
    expect(olds).toContainEqual({ email: 'before@acme.example' });
    expect(olds).toContainEqual({ job_title: expect.any(String) as unknown });

    // Without the phone field scope the app cannot see a mobile change, so it is not told.
    const { scopes } = await control<{ scopes: string[] }>(emulator!, 'GET', `/_emulator/apps/${app.app_id}`);
    await control(emulator!, 'PATCH', `/_emulator/apps/${app.app_id}`, { scopes: scopes.filter((scope) => scope !== 'contact:user.phone:readonly') });
    await control(emulator!, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { mobile: '+8613900000009' });
    // A visible change after the invisible one: once its event is in, an event for the mobile
    // change, had one been sent, would be in too.
    await control(emulator!, 'PATCH', `/_emulator/directory/users/${hired.user_id}`, { name: 'Marker' });
    await eventually(() => receiver.received.some((event) => (event.data['object'] as { name?: string }).name === 'Marker'));
    expect(receiver.received.slice(4).map((event) => event.data['old_object'])).toEqual([{ name: 'After' }]);
  });

  it('moves a person between departments', async () => {
    const { receiver } = await setUp(43);
    const [first, second] = [await department('First'), await department('Second')];
    const hired = await hire(emulator!, { name: 'Mover', department_ids: [first.department_id] });
    await nth(receiver, 0);
    const moved = await control<{ user: { department_ids: string[] } }>(emulator!, 'POST', `/_emulator/directory/users/${hired.union_id}/move`, { department_ids: [second.open_department_id] });
    expect(moved.user.department_ids).toEqual([second.open_department_id]);
    const event = await nth(receiver, 1);
    expect(event.data['old_object']).toMatchObject({ department_ids: [first.open_department_id] });
    expect(Object.keys(event.data['old_object'] as object).sort()).toEqual(['department_ids', 'orders']);
  });

  it('announces a resignation with deleted_v3, and a later deletion silently', async () => {
    const { app, receiver } = await setUp(44);
    const hired = await hire(emulator!, { name: 'Leaver' });
    await nth(receiver, 0);
    const openId = hired.open_ids[app.app_id]!;
    const resigned = await control<{ user: { status: { is_resigned: boolean; is_activated: boolean } } }>(emulator!, 'POST', `/_emulator/directory/users/${openId}/resign`);
    expect(resigned.user.status).toMatchObject({ is_resigned: true, is_activated: false });
    const event = await nth(receiver, 1);
    expect(event.type).toBe('contact.user.deleted_v3');
    expect(event.data['old_object']).toEqual({ department_ids: ['0'], open_id: openId });
    expect(event.data['object']).toMatchObject({ open_id: openId, status: { is_resigned: true } });

    expect((await call('PATCH', `/_emulator/directory/users/${hired.user_id}`, { name: 'x' })).status).toBe(409);
    expect((await call('DELETE', `/_emulator/directory/users/${hired.user_id}`)).status).toBe(200);
    expect((await call('GET', `/_emulator/directory/users/${hired.user_id}`)).status).toBe(404);
    // The next hire is a marker: once it is announced, an event for the deletion would be in too.
    const marker = await hire(emulator!, { name: 'Marker' });
    await eventually(() => receiver.received.some((event) => (event.data['object'] as { user_id?: string }).user_id === marker.user_id));
    expect(receiver.received.map((event) => event.type)).toEqual(['contact.user.created_v3', 'contact.user.deleted_v3', 'contact.user.created_v3']);
  });

  it('tells only the apps whose contact scope covers the person, each with its own open_id', async () => {
    const { app, receiver } = await setUp(45);
    const inside = await department('Inside');
    const outside = await department('Outside');
    const narrow = await control<AppSettings>(emulator!, 'POST', '/_emulator/apps', { type: 'self_built', name: 'Narrow' });
    await control(emulator!, 'PATCH', `/_emulator/apps/${narrow.app_id}`, { contact_scope: { departments: [inside.open_department_id] } });
    const narrowReceiver = await listen(narrow);

    await hire(emulator!, { name: 'Out', department_ids: [outside.open_department_id] });
    // 'In' is hired after 'Out', so once the narrow app has heard of 'In', it would have heard of 'Out' too.
    const hiredIn = await hire(emulator!, { name: 'In', department_ids: [inside.open_department_id] });
    await nth(receiver, 1);
    const objectOf = (event: Received) => event.data['object'] as { name: string; open_id: string };
    const seen = await eventually(() => narrowReceiver.received.find((event) => objectOf(event).name === 'In'));
    expect(objectOf(seen).open_id).toBe(hiredIn.open_ids[narrow.app_id]);
    expect(hiredIn.open_ids[narrow.app_id]).not.toBe(hiredIn.open_ids[app.app_id]);
    expect(narrowReceiver.received.map((event) => objectOf(event).name)).toEqual(['In']);
  });

  it('refuses bad hires: no name, unknown department, an email already used', async () => {
    await setUp(46);
    const taken = await hire(emulator!, { name: 'First' });
    expect((await call('POST', '/_emulator/directory/users', {})).status).toBe(400);
    expect((await call('POST', '/_emulator/directory/users', { name: 'x', department_ids: ['od-missing'] })).status).toBe(404);
    const duplicate = await call('POST', '/_emulator/directory/users', { name: 'x', email: taken.email });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { msg: string }).msg).toMatch(/email/);
    expect((await call('POST', '/_emulator/directory/users', { name: 'x', tenant_key: 'nope' })).status).toBe(404);
  });
});
