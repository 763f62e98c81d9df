import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { startGateway, type Gateway } from '../src/main.ts';
import { spawnGateway } from './support/spawn-gateway.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { createTestLogger } from './support/test-logger.ts';
import { until } from './support/until.ts';

/** Runs the command line to completion on the embedded database in `dataDir`. */
async function run(args: string[], dataDir: string) {
  const child = spawnGateway(args, { DATA_DIR: dataDir });
  const status = await child.exited();
  return { status, stdout: child.stdout(), stderr: child.stderr() };
}

/** The gateway in-process on the same data directory (PGlite: one process at a time), stopped after `work`. */
async function withGateway<T>(dataDir: string, work: (gateway: Gateway) => Promise<T>): Promise<T> {
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }, cwd: process.cwd() });
  const gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
  try {
    return await work(gateway);
  } finally {
    await gateway.stop();
  }
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'gw-cli-api-'));

describe('feishu-gateway api-keys', () => {
  it('creates a key printed once, lists it without the key, and revokes it; the gateway honours both', async () => {
    const dataDir = tempDir();
    const created = await run(['api-keys', 'create', '--name', 'hr system', '--scope', 'events:read', '--scope', 'directory:read'], dataDir);
    expect(created.status).toBe(0);
    // stdout is the key alone, so that scripts can capture it.
    expect(created.stdout).toMatch(/^fgw_[A-Za-z0-9_-]{43}\n$/);
    const key = created.stdout.trim();
    expect(created.stderr).toContain('Applied');
    expect(created.stderr).toContain('Created API key 1 "hr system" with scopes events:read, directory:read');
    expect(created.stderr).toContain('shown only this once');

    const listed = await run(['api-keys', 'list'], dataDir);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+SCOPES\s+CREATED\s+LAST USED\s+STATUS\n1\s+hr system\s+events:read,directory:read\s+\S+Z\s+-\s+active\n$/);
    expect(listed.stdout + listed.stderr).not.toContain(key.slice(4));

    await withGateway(dataDir, async (gateway) => {
      const answer = await fetch(`${gateway.url}/api/v1/events`, { headers: { authorization: `Bearer ${key}` } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ items: [], next_cursor: null });
    });

    const revoked = await run(['api-keys', 'revoke', '1'], dataDir);
    expect(revoked).toMatchObject({ status: 0, stdout: 'Revoked API key 1.\n' });
    expect(await run(['api-keys', 'revoke', '1'], dataDir)).toMatchObject({ status: 0, stdout: 'API key 1 was already revoked.\n' });
    const after = await run(['api-keys', 'list'], dataDir);
    expect(after.stdout).toMatch(/\n1\s+hr system\s+.*revoked \S+Z\n$/);
    // The gateway's use of the key is on record.
    expect(after.stdout).not.toMatch(/\n1\s+hr system\s+\S+\s+\S+Z\s+-\s+/);

    await withGateway(dataDir, async (gateway) => {
      const answer = await fetch(`${gateway.url}/api/v1/events`, { headers: { authorization: `Bearer ${key}` } });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: 'api.unauthorized' } });
    });
  }, 120_000);

  it('exits 1 naming the id when revoking a key that does not exist', async () => {
    const result = await run(['api-keys', 'revoke', '42'], tempDir());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No API key has the id "42".');
  }, 60_000);
});

describe('feishu-gateway events replay', () => {
  type Row = { status: string; attempts: number };
  const row = async (gateway: Gateway, id: string) => (await gateway.database.kysely.selectFrom('event_inbox').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow()) as Row;
  const accept = async (gateway: Gateway, eventId: string) => {
    const now = new Date();
    const accepted = await gateway.events.inbox.accept({ connection: 'default', eventId, eventType: 'test.replayed', schema: '2.0', tenantKey: undefined, createdAt: now, receivedAt: now, transport: 'http', payload: {} }, undefined);
    return accepted.id ?? '';
  };

  it('on PGlite, with the gateway stopped: puts handled events back in the queue, and the gateway dispatches them when it starts', async () => {
    const dataDir = tempDir();
    const id = await withGateway(dataDir, async (gateway) => {
      const inboxId = await accept(gateway, 'replayed-1');
      await until(async () => ((await row(gateway, inboxId)).status === 'handled' ? true : undefined));
      return inboxId;
    });

    const replayed = await run(['events', 'replay', '--type', 'test.replayed', '--since', new Date(Date.now() - 60 * 60_000).toISOString()], dataDir);
    expect(replayed.stderr).toBe('');
    expect(replayed).toMatchObject({ status: 0, stdout: 'Replayed 1 event(s); the gateway dispatches them.\n' });
    // Now pending with its job queued: a second replay finds nothing to do.
    expect(await run(['events', 'replay', '--id', id], dataDir)).toMatchObject({ status: 0, stdout: 'No events to replay matched (pending events are skipped).\n' });

    await withGateway(dataDir, async (gateway) => {
      // Dispatched a second time: the attempt counter says so.
      expect(await until(async () => {
        const current = await row(gateway, id);
        return current.status === 'handled' ? current : undefined;
      })).toEqual({ status: 'handled', attempts: 2 });
    });
  }, 120_000);

  it('on PostgreSQL, with the gateway running: the handler runs again', async () => {
    const database = await createPostgresDatabase();
    const secretKey = randomBytes(32).toString('base64');
    const env = { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: secretKey, DATA_DIR: tempDir() };
    const config = loadConfig({ env: { ...env, PORT: '0', HOST: '127.0.0.1' }, cwd: process.cwd() });
    const gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
    try {
      const calls: string[] = [];
      gateway.events.registry.on('test.replayed', async (event) => void calls.push(event.eventId));
      const id = await accept(gateway, 'replayed-2');
      await until(async () => ((await row(gateway, id)).status === 'handled' ? true : undefined));
      expect(calls).toEqual(['replayed-2']);

      const child = spawnGateway(['events', 'replay', '--id', id], env);
      expect(await child.exited()).toBe(0);
      expect(child.stdout()).toBe('Replayed 1 event(s); the gateway dispatches them.\n');
      await until(() => (calls.length === 2 ? true : undefined));
      expect(await until(async () => {
        const current = await row(gateway, id);
        return current.status === 'handled' && current.attempts === 2 ? current : undefined;
      })).toEqual({ status: 'handled', attempts: 2 });
    } finally {
      await gateway.stop();
      await database.drop();
    }
  }, 120_000);
});

describe('feishu-gateway command line usage for api-keys and events', () => {
  it.each([
    [['api-keys'], 'api-keys needs create, list or revoke'],
    [['api-keys', 'rotate'], 'unknown api-keys command "rotate"'],
    [['api-keys', 'create', '--scope', 'events:read'], 'needs --name NAME'],
    [['api-keys', 'create', '--name', 'ci'], 'needs at least one --scope'],
    [['api-keys', 'create', '--name', 'ci', '--scope', 'admin'], 'unknown scope "admin"'],
    [['api-keys', 'list', '--name', 'ci'], '--name is an option of api-keys create only'],
    [['api-keys', 'revoke'], 'needs the id'],
    [['api-keys', 'revoke', '1', '2'], 'unexpected argument "2"'],
    [['start', '--scope', 'events:read'], '--scope is not an option of start'],
    [['migrate', '--id', '3'], '--id is not an option of migrate'],
    [['api-keys', 'list', '--type', 'x'], '--type is not an option of api-keys'],
    [['events'], 'events needs a command: replay'],
    [['events', 'replay'], 'give ids, or at least one of type'],
    [['events', 'replay', '--since', 'yesterday'], '--since: must be an ISO 8601 time'],
    [['events', 'replay', '--id', '7', '--type', 'x'], 'not both'],
    [['events', 'replay', '--id', 'seven'], '--id: must be an event id'],
    [['events', 'replay', '--status', 'pending'], '--status: must be handled, failed or dead'],
  ])('rejects %j with usage and exit status 2, before opening the database', async (args, problem) => {
    const dataDir = path.join(tempDir(), 'data');
    const result = await run(args, dataDir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain('Usage: feishu-gateway');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('describes the new commands in --help', async () => {
    const result = await run(['--help'], tempDir());
    expect(result.status).toBe(0);
    for (const line of ['api-keys create', 'api-keys list', 'api-keys revoke ID', 'events replay', 'docs/api.md']) expect(result.stdout).toContain(line);
  });
});
