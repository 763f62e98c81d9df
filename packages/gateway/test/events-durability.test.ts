import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/src/index.ts';
import { loadConfig } from '../src/config/index.ts';
import type { InboundEvent } from '../src/events/index.ts';
import { startGateway } from '../src/main.ts';
import { control } from './support/emulator-control.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { createTestLogger } from './support/test-logger.ts';
import { until } from './support/until.ts';

const USER_CREATED = 'contact.user.created_v3';

type Delivery = { attempt: number; status: string; http_status: number | null };

describe('inbound events while the database is away', () => {
  it('answers 503 so Feishu retries, then stores and handles the event once the database is back', async () => {
    const database = await createPostgresDatabase();
    const target = new URL(database.url);
    const proxy = await startTcpProxy(Number(target.port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const emulator = await createEmulator({ seed: 111, users: 10, departments: 2 });
    const app = emulator.defaultApp();
    const config = loadConfig({
      env: {
        DATABASE_URL: viaProxy.toString(),
        GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-durable-')),
        FEISHU_APP_ID: app.appId,
        FEISHU_APP_SECRET: app.appSecret,
        FEISHU_ENCRYPT_KEY: app.encryptKey ?? '',
        FEISHU_VERIFICATION_TOKEN: app.verificationToken,
        FEISHU_DOMAIN: emulator.url,
      },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
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

      await proxy.restore();
      await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 15 });
      await until(async () => ((await deliveries()).some((item) => item.status === 'delivered') ? true : undefined));
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
