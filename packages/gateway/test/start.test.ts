import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './support/test-databases.ts';
import { spawnGateway, waitUntilListening } from './support/spawn-gateway.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'gw-start-'));

async function stopWithSigterm(gateway: ReturnType<typeof spawnGateway>): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  gateway.child.kill('SIGTERM');
  const code = await gateway.exited();
  return { code, ms: Date.now() - started };
}

describe('feishu-gateway start on the embedded database', () => {
  it('serves /healthz and /readyz, stops on SIGTERM, and finds its data again after a restart', async () => {
    const dataDir = tempDir();
    const first = spawnGateway(['start'], { DATA_DIR: dataDir, PORT: '0' });
    const { url, installationId } = await waitUntilListening(first);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, jobs: { ok: true } } });

    // A second gateway on the same directory would corrupt PGlite; it must refuse to start.
    const intruder = spawnGateway(['start'], { DATA_DIR: dataDir, PORT: '0' });
    expect(await intruder.exited()).toBe(1);
    expect(intruder.stderr()).toMatch(/is in use by process \d+/);

    const stopped = await stopWithSigterm(first);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);

    const second = spawnGateway(['start'], { DATA_DIR: dataDir, PORT: '0' });
    const restarted = await waitUntilListening(second);
    expect(restarted.installationId).toBe(installationId);
    expect((await stopWithSigterm(second)).code).toBe(0);
  }, 120_000);
});

describe('feishu-gateway start on PostgreSQL', () => {
  it('starts two gateways at the same moment on one new database; both become ready', async () => {
    const database = await createPostgresDatabase();
    const env = { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'), PORT: '0', DATA_DIR: tempDir() };
    const gateways = [spawnGateway(['start'], env), spawnGateway(['start'], env)];
    try {
      const listening = await Promise.all(gateways.map(waitUntilListening));
      for (const { url } of listening) expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(listening[0]?.installationId).toBe(listening[1]?.installationId);
      const stops = await Promise.all(gateways.map(stopWithSigterm));
      expect(stops.map((stop) => stop.code)).toEqual([0, 0]);
    } finally {
      for (const gateway of gateways) gateway.child.kill('SIGKILL');
      await database.drop();
    }
  }, 120_000);

  it('refuses to start with a secret key other than the one the database was set up with', async () => {
    const database = await createPostgresDatabase();
    try {
      const first = spawnGateway(['start'], { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'), PORT: '0' });
      await waitUntilListening(first);
      expect((await stopWithSigterm(first)).code).toBe(0);

      const wrongKey = spawnGateway(['start'], { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'), PORT: '0' });
      expect(await wrongKey.exited()).toBe(1);
      expect(wrongKey.stderr()).toContain('GATEWAY_SECRET_KEY does not open the secrets stored in PostgreSQL at');
    } finally {
      await database.drop();
    }
  }, 120_000);

  it('ends within 10 s when SIGTERM arrives while start-up is still retrying the database', async () => {
    const gateway = spawnGateway(['start'], {
      DATABASE_URL: 'postgres://gateway@127.0.0.1:1/gateway',
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
      DATABASE_STARTUP_TIMEOUT_SECONDS: '120',
      PORT: '0',
    });
    await gateway.waitForLine(/not reachable yet/);
    const stopped = await stopWithSigterm(gateway);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(stopped.code).toBe(1);
  }, 30_000);

  it('exits 1 with one line naming the host when PostgreSQL stays unreachable', async () => {
    const gateway = spawnGateway(['start'], {
      DATABASE_URL: 'postgres://gateway:canary-db-password@127.0.0.1:1/gateway',
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
      DATABASE_STARTUP_TIMEOUT_SECONDS: '2',
      PORT: '0',
    });
    expect(await gateway.exited()).toBe(1);
    const lines = gateway.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^feishu-gateway: cannot reach PostgreSQL at 127\.0\.0\.1:1\/gateway after 2 s/);
    expect(gateway.stdout() + gateway.stderr()).not.toContain('canary-db-password');
  }, 30_000);
});
