import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/src/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { startGateway, type Gateway } from '../src/main.ts';
import { createTestLogger } from './support/test-logger.ts';

type Readiness = { status: string; checks: Record<string, { ok: boolean; reason?: string; advisory?: boolean }> };

describe('the default Feishu connection at start-up', () => {
  const running: { gateway?: Gateway; emulator?: Emulator }[] = [];
  afterEach(async () => {
    for (const { gateway, emulator } of running.splice(0)) {
      await gateway?.stop();
      await emulator?.close();
    }
  });

  async function start(secret: (emulator: Emulator) => string) {
    const emulator = await createEmulator({ seed: 91, users: 10, departments: 2 });
    const app = emulator.defaultApp();
    const log = createTestLogger({ level: 'info' });
    const config = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-feishu-')), FEISHU_APP_ID: app.appId, FEISHU_APP_SECRET: secret(emulator), FEISHU_VERIFICATION_TOKEN: app.verificationToken, FEISHU_DOMAIN: emulator.url },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, log.logger);
    running.push({ gateway, emulator });
    return { gateway, emulator, log };
  }

  it('is ready with the right credentials, and its client calls the Open API', async () => {
    const { gateway } = await start((emulator) => emulator.defaultApp().appSecret);
    const readiness = (await (await fetch(`${gateway.url}/readyz`)).json()) as Readiness;
    expect(readiness).toMatchObject({ status: 'ready', checks: { 'feishu:default': { ok: true } } });
    const answer = await gateway.feishu.client('default').contact.v3.department.get({ path: { department_id: '0' } });
    expect(answer.code).toBe(0);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/feishu_api_requests_total\{api="contact\.v3\.department\.get",code="0"\} 1/);
    expect(metrics).toMatch(/feishu_token_cache_total\{result="hit"\} \d+/);
    expect(() => gateway.feishu.client('other')).toThrow(expect.objectContaining({ code: 'feishu.unknown_connection' }) as Error);
  });

  it('starts and serves with a wrong App Secret, reporting the connection as failing with Feishu code', async () => {
    const { gateway, log } = await start(() => 'wrong-secret-value');
    const response = await fetch(`${gateway.url}/readyz`);
    // Advisory: a wrong secret fails on every instance alike, so it must not pull them all out of service.
    expect(response.status).toBe(200);
    const readiness = (await response.json()) as Readiness;
    expect(readiness.checks['feishu:default']).toMatchObject({ ok: false, advisory: true });
    expect(readiness.checks['feishu:default']?.reason).toMatch(/10015/);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(log.text()).toMatch(/Feishu connection failing/);
    expect(log.text()).not.toContain('wrong-secret-value');
  });
});
