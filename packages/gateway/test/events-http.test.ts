import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../src/events/index.ts';
import { control } from './support/emulator-control.ts';
import { signedPush } from './support/feishu-push.ts';
import { gatewaysAgainstEmulators } from './support/gateways-against-emulators.ts';
import { until } from './support/until.ts';

const USER_CREATED = 'contact.user.created_v3';

describe('inbound events over HTTP, pushed by the emulator', () => {
  const startEmulatedGateway = gatewaysAgainstEmulators();

  async function start(seed: number) {
    const handled: InboundEvent[] = [];
    // Registered before the job runner starts, as custom logic is.
    const { emulator, gateway, app } = await startEmulatedGateway(seed, {
      register: (events) => events.registry.on(USER_CREATED, async (event) => void handled.push(event)),
    });
    const eventsUrl = `${gateway.url}/feishu/default/events`;
    const subscribed = await control<{ url_verification?: { ok: boolean } }>(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: eventsUrl, subscribed_events: [USER_CREATED] });
    const rows = async () => await gateway.database.kysely.selectFrom('event_inbox').selectAll().execute();
    return { emulator, gateway, app, handled, eventsUrl, subscribed, rows };
  }

  it('answers the encrypted url_verification handshake, and stores and handles a pushed event once', async () => {
    const { emulator, handled, subscribed, rows } = await start(101);
    expect(subscribed.url_verification?.ok).toBe(true);
    await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Pushed Person' });
    const [event] = await until(() => (handled.length > 0 ? handled : undefined));
    expect(event).toMatchObject({ connection: 'default', eventType: USER_CREATED, schema: '2.0' });
    expect(((event?.payload['event'] as Record<string, unknown>)['object'] as { name: string }).name).toBe('Pushed Person');
    const [row] = await until(async () => {
      const all = await rows();
      return all[0]?.status === 'handled' ? all : undefined;
    });
    // Stored sealed: the person's name is not in the row.
    expect(JSON.stringify(row)).not.toContain('Pushed Person');
    const deliveries = await control<{ items: { status: string; http_status: number }[] }>(emulator, 'GET', '/_emulator/deliveries?event_type=' + USER_CREATED);
    expect(deliveries.items.map((item) => [item.status, item.http_status])).toEqual([['delivered', 200]]);
  });

  it('handles a duplicated push once', async () => {
    const { emulator, app, handled, rows } = await start(102);
    await control(emulator, 'POST', '/_emulator/event-faults', { app_id: app.appId, duplicate_rate: 1 });
    await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Twice Sent' });
    const deliveries = await until(async () => {
      const { items } = await control<{ items: { status: string; duplicate: boolean }[] }>(emulator, 'GET', `/_emulator/deliveries?event_type=${USER_CREATED}`);
      return items.length === 2 && items.every((item) => item.status === 'delivered') ? items : undefined;
    });
    expect(deliveries.map((item) => item.duplicate).sort()).toEqual([false, true]);
    await until(async () => ((await rows())[0]?.status === 'handled' ? true : undefined));
    expect(handled).toHaveLength(1);
    expect(await rows()).toHaveLength(1);
  });

  it('stores copies of one event arriving together once, among distinct events committed in the same batches', async () => {
    const { app, handled, eventsUrl, rows } = await start(106);
    const push = (eventId: string) => {
      const envelope = { schema: '2.0', header: { event_id: eventId, event_type: USER_CREATED, create_time: String(Date.now()), token: app.verificationToken, app_id: app.appId, tenant_key: 't' }, event: { object: { name: eventId } } };
      const { body, headers } = signedPush(app.encryptKey ?? '', JSON.stringify(envelope));
      return fetch(eventsUrl, { method: 'POST', headers, body }).then((response) => response.status);
    };
    // Sent at once, so that copies and distinct events wait for the same commits.
    const statuses = await Promise.all(Array.from({ length: 80 }, (_, index) => push(index % 2 === 0 ? 'ev-copied' : `ev-distinct-${index}`)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    const all = await rows();
    expect(all).toHaveLength(41);
    expect(all.filter((row) => row.event_id === 'ev-copied')).toHaveLength(1);
    await until(async () => ((await rows()).every((row) => row.status === 'handled') ? true : undefined));
    expect(handled.filter((event) => event.eventId === 'ev-copied')).toHaveLength(1);
    expect(new Set(handled.map((event) => event.eventId)).size).toBe(41);
    expect(handled).toHaveLength(41);
  });

  it('accepts a correctly signed body with whitespace, which the SDK would reject', async () => {
    const { app, handled, eventsUrl } = await start(103);
    const envelope = { schema: '2.0', header: { event_id: 'ev-spaces', event_type: USER_CREATED, create_time: String(Date.now()), token: app.verificationToken, app_id: app.appId, tenant_key: 't' }, event: { object: { name: 'Spaced' } } };
    const { body, headers } = signedPush(app.encryptKey ?? '', JSON.stringify(envelope), { wrap: (encrypted) => `{ "encrypt" : "${encrypted}" }\n` });
    const response = await fetch(eventsUrl, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    await until(() => (handled.length === 1 ? true : undefined));
    expect(handled[0]?.eventId).toBe('ev-spaces');
  });

  it('refuses a flipped byte in the body, timestamp, nonce or signature with 401 and stores nothing', async () => {
    const { app, eventsUrl, rows } = await start(104);
    const envelope = { schema: '2.0', header: { event_id: 'ev-forged', event_type: USER_CREATED, create_time: String(Date.now()), token: app.verificationToken, app_id: app.appId, tenant_key: 't' }, event: {} };
    const signed = signedPush(app.encryptKey ?? '', JSON.stringify(envelope));
    const flip = (text: string, at = 5) => text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
    const attempts = [
      { ...signed, body: flip(signed.body, 20) },
      { ...signed, headers: { ...signed.headers, 'x-lark-request-timestamp': flip(signed.headers['x-lark-request-timestamp'], 3) } },
      { ...signed, headers: { ...signed.headers, 'x-lark-request-nonce': flip(signed.headers['x-lark-request-nonce'], 2) } },
      { ...signed, headers: { ...signed.headers, 'x-lark-signature': flip(signed.headers['x-lark-signature'], 10) } },
    ];
    for (const attempt of attempts) {
      const response = await fetch(eventsUrl, { method: 'POST', headers: attempt.headers, body: attempt.body });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('events.signature_invalid');
    }
    const unsigned: Record<string, string> = { ...signed.headers };
    delete unsigned['x-lark-signature'];
    const missing = await fetch(eventsUrl, { method: 'POST', headers: unsigned, body: signed.body });
    expect(missing.status).toBe(401);
    expect(await rows()).toEqual([]);
    // The untouched request is accepted, so the refusals were about the flipped byte.
    expect((await fetch(eventsUrl, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
  });

  it('answers 404 for an unknown connection', async () => {
    const { gateway } = await start(105);
    const response = await fetch(`${gateway.url}/feishu/nobody/events`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('events.unknown_connection');
  });
});
