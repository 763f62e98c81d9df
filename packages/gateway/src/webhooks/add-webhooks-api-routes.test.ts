import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApiServer } from '../../test/support/use-api-server.ts';
import { createKeyring } from '../secrets/index.ts';
import { addWebhooksApiRoutes } from './add-webhooks-api-routes.ts';
import { createWebhookSubscriptions } from './create-webhook-subscriptions.ts';

describe('the webhooks admin API', () => {
  const api = useApiServer();

  async function serve() {
    const database = await api.openDatabase();
    const subscriptions = createWebhookSubscriptions({ database, keyring: createKeyring([randomBytes(32).toString('base64')]), allowedHosts: ['127.0.0.1'] });
    const { url: base, apiKeys, log } = await api.serve(database, { bodyLimitBytes: 64 * 1024, routes: [addWebhooksApiRoutes({ subscriptions })] });
    const { key } = await apiKeys.create({ name: 'admin', scopes: ['webhooks:manage'] });
    const call = async (method: string, path: string, options: { body?: unknown; key?: string | null } = {}) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const presented = options.key === undefined ? key : options.key;
      if (presented !== null) headers['authorization'] = `Bearer ${presented}`;
      const response = await fetch(base + path, { method, headers, ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }) });
      const text = await response.text();
      return { status: response.status, text, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
    };
    return { call, apiKeys, log, database };
  }

  it('answers 401 without a key and 403 with a key lacking webhooks:manage, on every route', async () => {
    const { call, apiKeys } = await serve();
    const { key: reader } = await apiKeys.create({ name: 'reader', scopes: ['events:read', 'directory:read'] });
    const routes: [string, string][] = [
      ['POST', '/api/v1/webhooks'],
      ['GET', '/api/v1/webhooks'],
      ['GET', '/api/v1/webhooks/1'],
      ['PATCH', '/api/v1/webhooks/1'],
      ['DELETE', '/api/v1/webhooks/1'],
      ['GET', '/api/v1/webhooks/1/deliveries'],
    ];
    for (const [method, path] of routes) {
      const body = method === 'GET' ? {} : { body: { url: 'http://127.0.0.1:9/', events: ['*'] } };
      expect(await call(method, path, { key: null, ...body })).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized' } } });
      expect(await call(method, path, { key: reader, ...body })).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden', message: 'This API key lacks the scope "webhooks:manage".' } } });
    }
  });

  it('creates a webhook showing its secret once, lists, gets, disables and deletes it', async () => {
    const { call, log, database } = await serve();
    const created = await call('POST', '/api/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', events: ['user.*', 'department.created'], connection: 'default' } });
    expect(created.status).toBe(201);
    const secret = String(created.body['secret']);
    expect(secret).toMatch(/^whsec_/);
    const id = String(created.body['id']);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['user.*', 'department.created'], connection: 'default', enabled: true });

    const listed = await call('GET', '/api/v1/webhooks');
    expect(listed).toMatchObject({ status: 200, body: { items: [{ id, url: 'http://127.0.0.1:9/hook', enabled: true }] } });
    const fetched = await call('GET', `/api/v1/webhooks/${id}`);
    expect(fetched.body).toEqual(listed.body.items?.[0]);
    expect(await call('PATCH', `/api/v1/webhooks/${id}`, { body: { enabled: false } })).toMatchObject({ status: 200, body: { id, enabled: false } });
    expect(await call('GET', `/api/v1/webhooks/${id}/deliveries`)).toMatchObject({ status: 200, body: { items: [], next_cursor: null } });

    for (const response of [listed, fetched]) expect(response.text).not.toContain(secret.slice(6));
    expect(log.text()).toContain('webhook created');
    expect(log.text()).not.toContain(secret.slice(6));
    expect(JSON.stringify(await database.kysely.selectFrom('webhook_subscriptions').selectAll().execute())).not.toContain(secret.slice(6));

    expect(await call('DELETE', `/api/v1/webhooks/${id}`)).toMatchObject({ status: 204, text: '' });
    expect(await call('GET', `/api/v1/webhooks/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'webhooks.not_found' } } });
    expect(await call('DELETE', `/api/v1/webhooks/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'webhooks.not_found' } } });
    expect(await call('GET', '/api/v1/webhooks')).toMatchObject({ body: { items: [] } });
  });

  it.each([
    ['an unknown event type', { url: 'http://127.0.0.1:9/', events: ['user.moved'] }, 'webhooks.invalid'],
    ['no event type', { url: 'http://127.0.0.1:9/', events: [] }, 'webhooks.invalid'],
    ['a URL that is not http(s)', { url: 'file:///etc/passwd', events: ['*'] }, 'webhooks.invalid'],
    ['a private destination', { url: 'http://10.0.0.1/hook', events: ['*'] }, 'webhooks.destination_forbidden'],
    ['the metadata address', { url: 'http://169.254.169.254/latest/meta-data/', events: ['*'] }, 'webhooks.destination_forbidden'],
    ['IPv6 loopback', { url: 'http://[::1]:9/', events: ['*'] }, 'webhooks.destination_forbidden'],
    ['a missing field', { url: 'http://127.0.0.1:9/' }, 'http.invalid_body'],
    ['an unknown field', { url: 'http://127.0.0.1:9/', events: ['*'], secret: 'whsec_mine' }, 'http.invalid_body'],
    ['malformed JSON', '{"url":', 'http.malformed_body'],
  ])('answers 400 to %s', async (_case, body, code) => {
    const { call } = await serve();
    expect(await call('POST', '/api/v1/webhooks', { body })).toMatchObject({ status: 400, body: { error: { code } } });
    expect(await call('GET', '/api/v1/webhooks')).toMatchObject({ body: { items: [] } });
  });

  it('answers 404 for unknown ids and 400 for bad updates and log queries', async () => {
    const { call } = await serve();
    for (const path of ['/api/v1/webhooks/42', '/api/v1/webhooks/nope', '/api/v1/webhooks/42/deliveries']) expect(await call('GET', path)).toMatchObject({ status: 404, body: { error: { code: 'webhooks.not_found' } } });
    expect(await call('PATCH', '/api/v1/webhooks/42', { body: { enabled: true } })).toMatchObject({ status: 404 });
    const id = String((await call('POST', '/api/v1/webhooks', { body: { url: 'http://127.0.0.1:9/', events: ['*'] } })).body['id']);
    expect(await call('PATCH', `/api/v1/webhooks/${id}`, { body: { enabled: 'no' } })).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_body' } } });
    expect(await call('PATCH', `/api/v1/webhooks/${id}`, { body: { url: 'http://10.0.0.1/' } })).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_body' } } });
    for (const query of ['status=lost', 'limit=0', 'limit=201', 'cursor=abc', 'since=2025-01-01']) {
      expect(await call('GET', `/api/v1/webhooks/${id}/deliveries?${query}`)).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
    }
  });
});
