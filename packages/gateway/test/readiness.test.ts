import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { startGateway } from '../src/main.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { startDatabaseProxy } from './support/tcp-proxy.ts';
import { createTestLogger } from './support/test-logger.ts';

async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status;
}

async function waitForStatus(url: string, status: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await readyStatus(url)) !== status) {
    if (Date.now() > deadline) throw new Error(`/readyz did not answer ${status} in time`);
    await sleep(200);
  }
}

describe('readiness while the database comes and goes', () => {
  it('answers 503 while PostgreSQL is unreachable and 200 again once it is back, without a restart', async () => {
    const database = await createPostgresDatabase();
    const proxy = await startDatabaseProxy(database.url);
    const config = loadConfig({
      env: { DATABASE_URL: proxy.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'), PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-ready-')) },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
    try {
      expect(await readyStatus(gateway.url)).toBe(200);

      await proxy.cut();
      await waitForStatus(gateway.url, 503);
      const body = (await (await fetch(`${gateway.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(body.checks['database']?.ok).toBe(false);
      // Liveness does not depend on the database: an outage must not get the process restarted.
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

      await proxy.restore();
      await waitForStatus(gateway.url, 200);
    } finally {
      await proxy.restore();
      await gateway.stop();
      await proxy.close();
      await database.drop();
    }
  }, 90_000);
});
