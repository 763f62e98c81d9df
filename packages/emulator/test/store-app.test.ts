import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, openIdOf, type Emulator } from '../src/index.ts';
import { inbox } from './im-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver, type SdkReceiver } from './support/sdk-receiver.ts';
import { control, sdkClient } from './support/sdk.ts';

/**
 * A store (ISV) app installed in two tenants, driven the way production drives one: the SDK's
 * EventDispatcher receives the app_ticket push into the cache the SDK client reads, and every
 * call names its tenant with `withTenantKey`.
 */
describe('a store app in two tenants through the official SDK', () => {
  let emulator: Emulator;
  let receiver: SdkReceiver;
  let client: lark.Client;
  let storeAppId: string;
  const tenantKeys: string[] = [];

  beforeAll(async () => {
    emulator = await createEmulator({ seed: 31, users: 40, departments: 6 });
    const second = await control<{ tenant_key: string }>(emulator, 'POST', '/_emulator/tenants', { name: 'Beta Corp', users: 15, departments: 3 });
    tenantKeys.push(emulator.state.defaultTenantKey, second.tenant_key);
    const store = await control<{ app_id: string; app_secret: string; encrypt_key: string; verification_token: string }>(emulator, 'POST', '/_emulator/apps', {
      type: 'store',
      tenant_keys: tenantKeys,
    });
    storeAppId = store.app_id;
    receiver = await sdkReceiver({ encryptKey: store.encrypt_key, verificationToken: store.verification_token, events: [] });
    await control(emulator, 'PATCH', `/_emulator/apps/${store.app_id}`, { event_request_url: receiver.url });
    // Constructing an ISV client with no cached ticket makes the SDK ask for a resend; the emulator
    // then pushes the ticket to the receiver, whose dispatcher stores it where the client looks.
    client = sdkClient(emulator, { appId: store.app_id, appSecret: store.app_secret, type: 'store' }, receiver.cache);
    await eventually(async (): Promise<unknown> => receiver.cache.get(lark.CAppTicket, { namespace: store.app_id }));
  });
  afterAll(async () => {
    await receiver.close();
    await emulator.close();
  });

  it('reads each tenant\'s own directory', async () => {
    for (const tenantKey of tenantKeys) {
      const tenant = emulator.state.tenants.get(tenantKey)!;
      const option = lark.withTenantKey(tenantKey);
      const root = await client.contact.v3.department.get({ path: { department_id: '0' } }, option);
      expect(root.data?.department?.name).toBe(tenant.name);

      const children = await client.contact.v3.department.children({ path: { department_id: '0' }, params: { fetch_child: true, page_size: 50 } }, option);
      expect(children.data?.items).toHaveLength(tenant.departments.size - 1);

      const user = [...tenant.users.values()][0]!;
      const openId = openIdOf(emulator.state.apps.get(storeAppId)!, tenantKey, user.userId);
      const fetched = await client.contact.v3.user.get({ path: { user_id: openId } }, option);
      expect(fetched.data?.user?.email).toBe(user.email);
      const ids = await client.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' }, data: { emails: [user.email] } }, option);
      expect(ids.data?.user_list?.[0]?.user_id).toBe(openId);
      const members = await client.contact.v3.user.findByDepartment({ params: { department_id: user.departmentIds[0]!, page_size: 50 } }, option);
      expect(members.data?.items?.map((item) => item.open_id)).toContain(openId);
      const groups = await client.contact.v3.group.simplelist({ params: {} }, option);
      expect(groups.data?.grouplist?.length).toBe(tenant.groups.size);
      const scopes = await client.contact.v3.scope.list({ params: {} }, option);
      // With the whole company granted, the scopes API lists the top-level departments (scope/list docs).
      const topLevel = [...tenant.departments.values()].filter((department) => department.parentId === '0').map((department) => department.openDepartmentId);
      expect([...(scopes.data?.department_ids ?? [])].sort()).toEqual(topLevel.sort());
    }
  });

  it('cannot see one tenant\'s people from the other', async () => {
    const [first, second] = tenantKeys;
    const user = [...emulator.state.tenants.get(first!)!.users.values()][0]!;
    const openId = openIdOf(emulator.state.apps.get(storeAppId)!, first!, user.userId);
    await expect(client.contact.v3.user.get({ path: { user_id: openId } }, lark.withTenantKey(second!))).rejects.toMatchObject({ response: { data: { code: 41050 } } });
  });

  it('sends a message into the right tenant', async () => {
    const tenantKey = tenantKeys[1]!;
    const user = [...emulator.state.tenants.get(tenantKey)!.users.values()][2]!;
    const sent = await client.im.v1.message.create(
      { params: { receive_id_type: 'email' }, data: { receive_id: user.email, msg_type: 'text', content: JSON.stringify({ text: 'hello from a store app' }) } },
      lark.withTenantKey(tenantKey),
    );
    expect(sent.data?.message_id).toMatch(/^om_/);
    const box = await inbox(emulator, user.email);
    expect(box.items.map((item) => item.content)).toContainEqual({ text: 'hello from a store app' });
  });
});
