import http from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decryptEvent, signRequest } from '../src/events/event-crypto.ts';
import type { Emulator } from '../src/index.ts';
import { attemptsReach, hire, rawReceiver, subscribe, type AppSettings } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { sdkReceiver } from './support/sdk-receiver.ts';
import { serve } from './support/serve.ts';
import { control, openApi, sdkClient } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

describe('event push over HTTP', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const defaultApp = async () => control<AppSettings>(emulator!, 'GET', `/_emulator/apps/${emulator!.defaultApp().appId}`);

  it('delivers contact.user.created_v3 to the SDK EventDispatcher, which decrypts it and verifies the signature', async () => {
    emulator = await perTest.start({ seed: 11, users: 20 });
    const app = await defaultApp();
    expect(app.encrypt_key).toMatch(/^[0-9a-f]{32}$/);
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    perTest.track(receiver);

    const patched = await subscribe(emulator, app.app_id, receiver.url, ['contact.user.created_v3']);
    expect(patched.url_verification).toMatchObject({ ok: true });

    const hired = await hire(emulator, { name: '王小明', en_name: 'Xiaoming Wang' });
    const event = await eventually(() => receiver.received[0]);
    // The SDK only dispatches after the signature check passed (it answers an empty 200 otherwise).
    expect(event.type).toBe('contact.user.created_v3');
    expect(event.data).toMatchObject({
      schema: '2.0',
      event_type: 'contact.user.created_v3',
      app_id: app.app_id,
      tenant_key: emulator.state.defaultTenantKey,
      token: app.verification_token,
      object: { open_id: hired.open_ids[app.app_id], union_id: hired.union_id, user_id: hired.user_id, name: '王小明', department_ids: ['0'] },
    });
    expect(event.data['event_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(event.data['create_time'])).toBeCloseTo(emulator.state.clock.now(), -4);

    const [attempt] = await attemptsReach(emulator, `?app_id=${app.app_id}`, 1);
    expect(attempt).toMatchObject({ event_id: event.data['event_id'], attempt: 1, status: 'delivered', http_status: 200, event_type: 'contact.user.created_v3' });
  });

  it('sends compact JSON, seconds timestamp, nonce and a signature over the exact body', async () => {
    emulator = await perTest.start({ seed: 12, users: 10 });
    const app = await defaultApp();
    const receiver = await rawReceiver((request) => {
      const parsed = JSON.parse(request.body) as { encrypt: string };
      const inner = JSON.parse(decryptEvent(app.encrypt_key!, parsed.encrypt)) as Record<string, unknown>;
      return inner['type'] === 'url_verification' ? { body: JSON.stringify({ challenge: inner['challenge'] }) } : {};
    });
    perTest.track(receiver);
    await subscribe(emulator, app.app_id, receiver.url, ['contact.user.created_v3']);
    await hire(emulator, { name: 'Compact' });
    await eventually(() => receiver.requests.length >= 2);

    const [handshake, push] = receiver.requests;
    expect(handshake?.headers['x-lark-signature']).toBeUndefined();
    expect(JSON.parse(decryptEvent(app.encrypt_key!, (JSON.parse(handshake!.body) as { encrypt: string }).encrypt))).toEqual({
      challenge: expect.any(String) as unknown,
      token: app.verification_token,
      type: 'url_verification',
    });

    const { headers, body } = push!;
    expect(body).toBe(JSON.stringify(JSON.parse(body)));
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    const timestamp = headers['x-lark-request-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - emulator.state.clock.now() / 1000)).toBeLessThan(5);
    const nonce = headers['x-lark-request-nonce'] as string;
    expect(nonce.length).toBeGreaterThan(0);
    expect(headers['x-lark-signature']).toBe(signRequest(timestamp, nonce, app.encrypt_key!, body));
    const plaintext = decryptEvent(app.encrypt_key!, (JSON.parse(body) as { encrypt: string }).encrypt);
    expect(plaintext).toBe(JSON.stringify(JSON.parse(plaintext)));
    expect(Object.keys(JSON.parse(plaintext) as object)).toEqual(['schema', 'header', 'event']);
  });

  it('pushes plain JSON without a signature when the app has no Encrypt Key', async () => {
    emulator = await perTest.start({ seed: 13, users: 10 });
    const app = await control<AppSettings>(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { encrypt_key: null });
    const receiver = await sdkReceiver({ encryptKey: null, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    perTest.track(receiver);
    expect((await subscribe(emulator, app.app_id, receiver.url, ['contact.user.created_v3'])).url_verification?.ok).toBe(true);
    const hired = await hire(emulator, { name: 'Plain' });
    const event = await eventually(() => receiver.received[0]);
    expect((event.data['object'] as { open_id: string }).open_id).toBe(hired.open_ids[app.app_id]);
  });

  it('is refused by the SDK when the signature is tampered with in transit', async () => {
    emulator = await perTest.start({ seed: 14, users: 10 });
    const app = await defaultApp();
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    perTest.track(receiver);
    // A proxy that flips one hex digit of the signature before the SDK sees the request.
    const proxy = await serve((request, response) => {
      const headers = { ...request.headers };
      const signature = headers['x-lark-signature'];
      if (typeof signature === 'string') headers['x-lark-signature'] = `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`;
      const forward = http.request(receiver.url, { method: 'POST', headers }, (answer) => answer.pipe(response.writeHead(answer.statusCode ?? 502)));
      request.pipe(forward);
    });
    perTest.track(proxy);
    expect((await subscribe(emulator, app.app_id, proxy.url, ['contact.user.created_v3'])).url_verification?.ok).toBe(true);
    await hire(emulator, { name: 'Tampered' });
    const [attempt] = await attemptsReach(emulator, `?app_id=${app.app_id}`, 1);
    // The SDK answers 200 with an empty body and does not dispatch (platform doc §3.4).
    expect(attempt?.http_status).toBe(200);
    expect(receiver.received).toHaveLength(0);
  });

  it('reports a failed url_verification handshake and keeps the URL', async () => {
    emulator = await perTest.start({ seed: 15, users: 5 });
    const appId = emulator.defaultApp().appId;
    const wrongEcho = await rawReceiver(() => ({ body: JSON.stringify({ challenge: 'something else' }) }));
    const slow = await rawReceiver(() => ({ delayMs: 1_300 }));
    perTest.track(wrongEcho);
    perTest.track(slow);
    const wrong = await subscribe(emulator, appId, wrongEcho.url, []);
    expect(wrong.url_verification).toMatchObject({ ok: false, detail: 'the answer does not echo the challenge' });
    expect(wrong).toMatchObject({ event_request_url: wrongEcho.url });
    const late = await subscribe(emulator, appId, slow.url, []);
    expect(late.url_verification?.ok).toBe(false);
    expect(late.url_verification?.detail).toMatch(/timeout/);
    const refused = await subscribe(emulator, appId, 'http://127.0.0.1:9/events', []);
    expect(refused.url_verification?.ok).toBe(false);
  });

  it('pushes app_ticket to a store app, where the SDK caches it and then obtains tokens with it', async () => {
    emulator = await perTest.start({ seed: 16, users: 5 });
    const store = await control<AppSettings & { app_ticket: string }>(emulator, 'POST', '/_emulator/apps', { type: 'store', tenant_keys: [emulator.state.defaultTenantKey] });
    const receiver = await sdkReceiver({ encryptKey: store.encrypt_key, verificationToken: store.verification_token, events: [] });
    perTest.track(receiver);
    expect((await subscribe(emulator, store.app_id, receiver.url, [])).url_verification?.ok).toBe(true);

    const resent = await openApi(emulator, 'POST', '/open-apis/auth/v3/app_ticket/resend', { body: { app_id: store.app_id, app_secret: store.app_secret } });
    expect(resent.body).toEqual({ code: 0, msg: 'success' });
    const current = await control<{ app_ticket: string }>(emulator, 'GET', `/_emulator/apps/${store.app_id}`);
    const cached: unknown = await eventually(async (): Promise<unknown> => receiver.cache.get(lark.CAppTicket, { namespace: store.app_id }));
    expect(cached).toBe(current.app_ticket);

    const [attempt] = await attemptsReach(emulator, `?app_id=${store.app_id}&event_type=app_ticket`, 1);
    expect(attempt).toMatchObject({ status: 'delivered', attempt: 1 });
    const client = sdkClient(emulator, { appId: store.app_id, appSecret: store.app_secret, type: 'store' }, receiver.cache);
    const root = await client.contact.v3.department.get({ path: { department_id: '0' } }, lark.withTenantKey(emulator.state.defaultTenantKey));
    expect(root.code).toBe(0);
  });

  it('delivers only to subscribed apps with a request URL', async () => {
    emulator = await perTest.start({ seed: 17, users: 5 });
    const app = await defaultApp();
    const receiver = await sdkReceiver({ encryptKey: app.encrypt_key, verificationToken: app.verification_token, events: ['contact.user.created_v3'] });
    perTest.track(receiver);
    await subscribe(emulator, app.app_id, receiver.url, ['contact.user.updated_v3']);
    await hire(emulator, { name: 'Unsubscribed' });
    await control(emulator, 'PATCH', `/_emulator/apps/${app.app_id}`, { subscribed_events: ['contact.user.created_v3'] });
    await hire(emulator, { name: 'Subscribed' });
    await eventually(() => receiver.received[0]);
    expect(receiver.received.map((event) => (event.data['object'] as { name: string }).name)).toEqual(['Subscribed']);
  });
});
