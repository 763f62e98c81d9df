import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/src/index.ts';
import type { InboundEvent } from '../src/events/index.ts';
import { control } from './support/emulator-control.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { startDatabaseProxy } from './support/tcp-proxy.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { until } from './support/until.ts';

const USER_CREATED = 'contact.user.created_v3';

type Delivery = { attempt: number; status: string; http_status: number | null };

describe('inbound events while the database is away', () => {
  it('answers 503 to the first two attempts, so Feishu retries, then stores and handles the event once when the database is back', async () => {
    const database = await createPostgresDatabase();
    const proxy = await startDatabaseProxy(database.url);
    const emulator = await createEmulator({ seed: 111, users: 10, departments: 2 });
    const { gateway, app } = await startGatewayAgainst(emulator, {
      env: { DATABASE_URL: proxy.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64') },
      logLevel: 'fatal',
    });
    try {
      const handled: InboundEvent[] = [];
      gateway.events.registry.on(USER_CREATED, async (event) => void handled.push(event));
      await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: [USER_CREATED] });

      await proxy.cut();
      await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Waits For The Database' });
      const deliveries = async () => (await control<{ items: Delivery[] }>(emulator, 'GET', `/_emulator/deliveries?event_type=${USER_CREATED}`)).items;
      const [refused] = await until(async () => {
        const items = await deliveries();
        return items[0] !== undefined && items[0].status !== 'sending' ? items : undefined;
      });
      // Never 200 for an event that was not committed.
      expect(refused).toMatchObject({ attempt: 1, status: 'retrying', http_status: 503 });
      expect(handled).toEqual([]);

      // Feishu's second try, 15 s later, meets the same outage.
      await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 15 });
      const second = await until(async () => {
        const items = await deliveries();
        return items[1] !== undefined && items[1].status !== 'sending' ? items[1] : undefined;
      });
      expect(second).toMatchObject({ attempt: 2, status: 'retrying', http_status: 503 });

      // The third, 5 min after that, finds the database back.
      await proxy.restore();
      await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 5 * 60 });
      await until(async () => ((await deliveries()).some((item) => item.status === 'delivered') ? true : undefined));
      expect((await deliveries()).map((item) => [item.attempt, item.http_status])).toEqual([
        [1, 503],
        [2, 503],
        [3, 200],
      ]);
      await until(() => (handled.length > 0 ? true : undefined));
      expect(handled.map((event) => ((event.payload['event'] as Record<string, unknown>)['object'] as { name: string }).name)).toEqual(['Waits For The Database']);
    } finally {
      await proxy.restore();
      await gateway.stop();
      await proxy.close();
      await emulator.close();
      await database.drop();
    }
  }, 90_000);
});
