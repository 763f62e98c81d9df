import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { startGateway, type Gateway } from '../src/main.ts';
import { createTestLogger } from './support/test-logger.ts';
import { until } from './support/until.ts';

type Item = Record<string, unknown> & { id: string; event_id: string; event_type: string; status: string; connection: string };
type Page = { items: Item[]; next_cursor: string | null };

const PAYLOAD_CANARY = 'canary-payload-text-5e1d';
const HOUR = 60 * 60_000;

// One gateway for the file: the events below are its fixture, and each test only reads or replays.
describe('the events API of a running gateway', () => {
  let gateway: Gateway;
  let reader: string;
  let replayer: string;
  const handled: string[] = [];
  const ids: Record<string, string> = {};
  const now = Date.now();

  beforeAll(async () => {
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-events-api-')) }, cwd: process.cwd() });
    gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
    gateway.events.registry.on('test.ok', async (event) => void handled.push(event.eventId));
    gateway.events.registry.on('test.fails', async () => {
      throw new Error('handler down');
    });
    reader = (await gateway.apiKeys.create({ name: 'reader', scopes: ['events:read'] })).key;
    replayer = (await gateway.apiKeys.create({ name: 'replayer', scopes: ['events:replay'] })).key;
    const fixture: [string, string, string, number][] = [
      ['ok-1', 'test.ok', 'default', now - 5 * HOUR],
      ['ok-2', 'test.ok', 'default', now - 4 * HOUR],
      ['ok-3', 'test.ok', 'other', now - 3 * HOUR],
      ['fails-1', 'test.fails', 'default', now - 2 * HOUR],
      ['ok-4', 'test.ok', 'default', now - HOUR],
    ];
    for (const [eventId, eventType, connection, received] of fixture) {
      const at = new Date(received);
      const { id } = await gateway.events.inbox.accept(
        { connection, eventId, eventType, schema: '2.0', tenantKey: 'tenant-1', createdAt: at, receivedAt: at, transport: 'http', payload: { event: { text: PAYLOAD_CANARY } } },
        undefined,
      );
      ids[eventId] = id ?? '';
    }
    await until(async () => {
      const rows = await gateway.database.kysely.selectFrom('event_inbox').select('status').execute();
      return rows.every((row) => row.status !== 'pending') ? true : undefined;
    });
  }, 60_000);

  afterAll(async () => {
    await gateway.stop();
  });

  async function call(method: string, path: string, key: string | undefined, body?: string) {
    const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(gateway.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as unknown };
  }
  const list = async (query: string) => {
    const answer = await call('GET', `/api/v1/events${query}`, reader);
    expect(answer.status).toBe(200);
    return answer.body as Page;
  };
  const eventIdsOf = (page: Page) => page.items.map((item) => item.event_id);

  it('lists events newest first with their dispatch state, never the payload', async () => {
    const answer = await call('GET', '/api/v1/events', reader);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain(PAYLOAD_CANARY);
    const page = answer.body as Page;
    expect(eventIdsOf(page)).toEqual(['ok-4', 'fails-1', 'ok-3', 'ok-2', 'ok-1']);
    expect(page.next_cursor).toBeNull();
    const failed: Record<string, unknown> = page.items[1] ?? {};
    expect(Object.keys(failed).sort()).toEqual(['attempts', 'connection', 'created_at', 'event_id', 'event_type', 'handled_at', 'id', 'last_error', 'received_at', 'status', 'tenant_key', 'transport']);
    const { attempts, ...rest } = failed;
    // pg-boss retries it in the background; each failed attempt counts.
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(rest).toEqual({
      id: ids['fails-1'],
      connection: 'default',
      event_id: 'fails-1',
      event_type: 'test.fails',
      tenant_key: 'tenant-1',
      created_at: new Date(now - 2 * HOUR).toISOString(),
      received_at: new Date(now - 2 * HOUR).toISOString(),
      transport: 'http',
      status: 'failed',
      last_error: 'handler down',
      handled_at: null,
    });
    expect(page.items[0]).toMatchObject({ status: 'handled', attempts: 1, last_error: null });
    expect(page.items[0]?.['handled_at']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });

  it('filters by status, type, connection and time of arrival', async () => {
    expect(eventIdsOf(await list('?status=failed'))).toEqual(['fails-1']);
    expect(eventIdsOf(await list('?type=test.ok'))).toEqual(['ok-4', 'ok-3', 'ok-2', 'ok-1']);
    expect(eventIdsOf(await list('?connection=other'))).toEqual(['ok-3']);
    const since = encodeURIComponent(new Date(now - 4 * HOUR).toISOString());
    const until = encodeURIComponent(new Date(now - HOUR).toISOString());
    // since is inclusive, until exclusive.
    expect(eventIdsOf(await list(`?since=${since}&until=${until}`))).toEqual(['fails-1', 'ok-3', 'ok-2']);
    expect(eventIdsOf(await list(`?type=test.ok&connection=default&since=${since}`))).toEqual(['ok-4', 'ok-2']);
    expect(eventIdsOf(await list('?status=dead'))).toEqual([]);
  });

  it('pages through every event with an opaque cursor', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    let pages = 0;
    for (;;) {
      const page = await list(query);
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...eventIdsOf(page));
      if (page.next_cursor === null) break;
      expect(page.next_cursor).not.toMatch(/^\d+$/);
      query = `?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['ok-4', 'fails-1', 'ok-3', 'ok-2', 'ok-1']);
    // Filters hold across pages.
    const first = await list('?type=test.ok&limit=3');
    expect(eventIdsOf(first)).toEqual(['ok-4', 'ok-3', 'ok-2']);
    expect(eventIdsOf(await list(`?type=test.ok&limit=3&cursor=${first.next_cursor ?? ''}`))).toEqual(['ok-1']);
  });

  it('shows one event by id, and 404 events.not_found for an unknown one', async () => {
    const one = await call('GET', `/api/v1/events/${ids['ok-3'] ?? ''}`, reader);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids['ok-3'], event_id: 'ok-3', connection: 'other', status: 'handled' });
    expect(one.text).not.toContain(PAYLOAD_CANARY);
    for (const id of ['999999', 'abc', '1e3', '99999999999999999999']) {
      expect(await call('GET', `/api/v1/events/${id}`, reader)).toMatchObject({ status: 404, body: { error: { code: 'events.not_found' } } });
    }
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=ten', 'limit'],
    ['?since=yesterday', 'since'],
    ['?until=2025-01-01', 'until'],
    ['?status=lost', 'status'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?cursor=MTIz', 'cursor'],
    ['?sort=asc', 'sort'],
  ])('answers 400 http.invalid_query for %s, naming %s', async (query, parameter) => {
    const answer = await call('GET', `/api/v1/events${query}`, reader);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
    expect((answer.body as { error: { message: string } }).error.message).toContain(parameter);
  });

  it('requires a key with the right scope for each endpoint', async () => {
    expect(await call('GET', '/api/v1/events', undefined)).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized' } } });
    expect(await call('GET', '/api/v1/events', replayer)).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden' } } });
    expect(await call('GET', `/api/v1/events/${ids['ok-1'] ?? ''}`, replayer)).toMatchObject({ status: 403 });
    expect(await call('POST', '/api/v1/events/replay', reader, JSON.stringify({ ids: [ids['ok-1']] }))).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden' } } });
    expect(await call('POST', '/api/v1/events/replay', undefined, JSON.stringify({ ids: [ids['ok-1']] }))).toMatchObject({ status: 401 });
  });

  it('replays an event by id: its handler runs again and it ends handled', async () => {
    const id = ids['ok-2'] ?? '';
    const before = handled.filter((eventId) => eventId === 'ok-2').length;
    expect(await call('POST', '/api/v1/events/replay', replayer, JSON.stringify({ ids: [id] }))).toMatchObject({ status: 200, body: { replayed: 1 } });
    await until(() => (handled.filter((eventId) => eventId === 'ok-2').length === before + 1 ? true : undefined));
    const row = await until(async () => {
      const current = await gateway.database.kysely.selectFrom('event_inbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return current.status === 'handled' ? current : undefined;
    });
    expect(row.attempts).toBe(2);
  });

  it.each([
    ['{}', 'http.invalid_body'],
    ['{"ids":[]}', 'http.invalid_body'],
    ['{"status":"pending"}', 'http.invalid_body'],
    ['{"since":"last week"}', 'http.invalid_body'],
    ['{"ids":["1"],"type":"x"}', 'http.invalid_body'],
    ['{"ids":', 'http.malformed_body'],
  ])('answers 400 to the replay body %s', async (body, code) => {
    expect(await call('POST', '/api/v1/events/replay', replayer, body)).toMatchObject({ status: 400, body: { error: { code } } });
  });
});
