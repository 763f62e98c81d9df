import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl } from '../../test/support/test-env.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { openPostgres } from './open-postgres.ts';

async function unusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openPostgres', () => {
  it('retries an unreachable server, then fails with db.unreachable naming the host', async () => {
    const port = await unusedPort();
    const { logger, lines } = createTestLogger();
    const started = Date.now();
    const opening = openPostgres({ url: `postgres://postgres:hunter2-canary@127.0.0.1:${port}/gateway`, poolSize: 2, startupTimeoutSeconds: 1.5, logger });
    await expect(opening).rejects.toMatchObject({ code: 'db.unreachable', message: expect.stringContaining(`127.0.0.1:${port}`) as unknown });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    // It retried (and said so) rather than giving up on the first refusal.
    expect(lines.filter((line) => line.includes('not reachable yet')).length).toBeGreaterThan(1);
    await expect(opening).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2-canary') as unknown });
  });

  it('fails at once, without retrying, when the database does not exist', async () => {
    const url = new URL(adminDatabaseUrl);
    url.pathname = '/gw_no_such_database';
    const started = Date.now();
    await expect(openPostgres({ url: url.toString(), poolSize: 2, startupTimeoutSeconds: 20, logger: createTestLogger().logger })).rejects.toMatchObject({
      code: 'db.unreachable',
      message: expect.stringContaining('3D000') as unknown,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers ping while connected and rejects it once closed', async () => {
    const database = await openPostgres({ url: adminDatabaseUrl, poolSize: 2, startupTimeoutSeconds: 5, logger: createTestLogger().logger });
    await expect(database.ping()).resolves.toBeUndefined();
    await database.close();
    await expect(database.ping()).rejects.toThrow();
  });
});
