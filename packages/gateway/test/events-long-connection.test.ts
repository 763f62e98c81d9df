import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/src/index.ts';
import { loadConfig } from '../src/config/index.ts';
import type { InboundEvent } from '../src/events/index.ts';
import { startGateway } from '../src/main.ts';
import { control } from './support/emulator-control.ts';
import { createTestLogger } from './support/test-logger.ts';

const USER_CREATED = 'contact.user.created_v3';

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a gateway in long-connection mode (FEISHU_EVENT_MODE=websocket)', () => {
  it('connects at start-up, reports it in /readyz, and stores and handles pushed events once', async () => {
    const emulator = await createEmulator({ seed: 121, users: 10, departments: 2 });
    const app = emulator.defaultApp();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    const config = loadConfig({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-ws-')),
        FEISHU_APP_ID: app.appId,
        FEISHU_APP_SECRET: app.appSecret,
        FEISHU_VERIFICATION_TOKEN: app.verificationToken,
        FEISHU_EVENT_MODE: 'websocket',
        FEISHU_DOMAIN: emulator.url,
      },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, createTestLogger({ level: 'warn' }).logger);
    try {
      const handled: InboundEvent[] = [];
      gateway.events.registry.on(USER_CREATED, async (event) => void handled.push(event));
      await until(async () => {
        const readiness = (await (await fetch(`${gateway.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
        return readiness.checks['feishu:default:long-connection']?.ok === true ? true : undefined;
      });
      await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Over The Socket' });
      await until(() => (handled.length > 0 ? true : undefined));
      const rows = await gateway.database.kysely.selectFrom('event_inbox').select(['transport', 'status']).execute();
      await until(async () => ((await gateway.database.kysely.selectFrom('event_inbox').select('status').executeTakeFirst())?.status === 'handled' ? true : undefined));
      expect(rows.map((row) => row.transport)).toEqual(['websocket']);
      expect(handled).toHaveLength(1);
      expect(((handled[0]?.payload['event'] as Record<string, unknown>)['object'] as { name: string }).name).toBe('Over The Socket');
    } finally {
      await gateway.stop();
      await emulator.close();
    }
  }, 60_000);
});
