import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/src/index.ts';
import { control } from './support/emulator-control.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { until } from './support/until.ts';

type Received = { headers: IncomingHttpHeaders; body: string };

describe('a directory change, end to end', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reaches a subscribed receiver as a signed webhook that the standardwebhooks package verifies', { timeout: 120_000 }, async () => {
    const received: Received[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    cleanups.push(async () => void receiver.close());
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const emulator = await createEmulator({ seed: 901, users: 30, departments: 4 });
    cleanups.push(async () => await emulator.close());
    // The receiver is on loopback, which the SSRF guard refuses unless it is allow-listed.
    const { gateway, app } = await startGatewayAgainst(emulator, { env: { WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1' } });
    cleanups.push(async () => await gateway.stop());
    await until(async () => await gateway.database.kysely.selectFrom('directory_sync_runs').select('id').where('status', '=', 'done').executeTakeFirst(), 60_000);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: ['contact.user.updated_v3'] });

    const { key } = await gateway.apiKeys.create({ name: 'admin', scopes: ['webhooks:manage'] });
    const created = await fetch(`${gateway.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, events: ['user.*'] }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const someone = [...(await gateway.database.kysely.selectFrom('directory_users').select(['open_id']).limit(1).execute())][0];
    await control(emulator, 'PATCH', `/_emulator/directory/users/${someone?.open_id ?? ''}`, { name: 'Renamed Through Feishu' });

    const [delivery] = await until(() => (received.length > 0 ? received : undefined), 30_000);
    const headers = Object.fromEntries(Object.entries(delivery?.headers ?? {}).map(([name, value]) => [name, String(value)]));
    const payload = new Webhook(secret).verify(delivery?.body ?? '', headers) as { type: string; data: { entity_id: string; changed_fields: string[]; source: string; object: { name: string } } };
    expect(payload.type).toBe('user.updated');
    expect(payload.data).toMatchObject({ entity_id: someone?.open_id, changed_fields: ['name'], source: 'event', object: { name: 'Renamed Through Feishu' } });
    // Altered on the way, it no longer verifies.
    expect(() => new Webhook(secret).verify((delivery?.body ?? '').replace('Renamed', 'Renamer'), headers)).toThrow();
  });
});
