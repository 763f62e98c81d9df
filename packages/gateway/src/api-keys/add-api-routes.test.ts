import { describe, expect, it } from 'vitest';
import { useApiServer } from '../../test/support/use-api-server.ts';
import { requireScope } from './api-key-auth.ts';

describe('API-key authentication on /api/v1', () => {
  const api = useApiServer();

  async function serve() {
    const { url, apiKeys, log } = await api.serve(await api.openDatabase(), {
      routes: [
        (routes) => {
          routes.get('/api/v1/things', requireScope('events:read'), (c) => c.json({ key: c.get('apiKey').name }));
          // Outside the authenticated prefix: requireScope alone must still refuse.
          routes.get('/open/things', requireScope('events:read'), (c) => c.json({ open: true }));
        },
      ],
    });
    const get = async (path: string, authorization?: string) => {
      const response = await fetch(url + path, authorization === undefined ? {} : { headers: { authorization } });
      return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
    };
    return { apiKeys, log, get };
  }

  it('lets a live key with the scope through', async () => {
    const { apiKeys, get } = await serve();
    const { key } = await apiKeys.create({ name: 'reader', scopes: ['events:read'] });
    expect(await get('/api/v1/things', `Bearer ${key}`)).toMatchObject({ status: 200, body: { key: 'reader' } });
    expect(await get('/api/v1/things', `bearer  ${key}`)).toMatchObject({ status: 200 });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare key', 'KEY'],
    ['an unknown key', `Bearer fgw_${'x'.repeat(43)}`],
    ['an altered key', 'Bearer ALTERED'],
  ])('answers 401 api.unauthorized to %s, with WWW-Authenticate', async (_case, header) => {
    const { apiKeys, get } = await serve();
    const { key } = await apiKeys.create({ name: 'reader', scopes: ['events:read'] });
    const authorization = header?.replace('KEY', key).replace('ALTERED', `${key.slice(0, -2)}${key.endsWith('AA') ? 'BB' : 'AA'}`);
    const answer = await get('/api/v1/things', authorization);
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized' } } });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="feishu-gateway"');
  });

  it('answers 401 to a revoked key', async () => {
    const { apiKeys, get } = await serve();
    const { key, apiKey } = await apiKeys.create({ name: 'reader', scopes: ['events:read'] });
    expect((await get('/api/v1/things', `Bearer ${key}`)).status).toBe(200);
    await apiKeys.revoke(apiKey.id);
    expect(await get('/api/v1/things', `Bearer ${key}`)).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized', message: 'The API key is unknown or revoked.' } } });
  });

  it('answers 403 api.forbidden naming the scope a live key lacks', async () => {
    const { apiKeys, get } = await serve();
    const { key } = await apiKeys.create({ name: 'directory', scopes: ['directory:read'] });
    expect(await get('/api/v1/things', `Bearer ${key}`)).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden', message: 'This API key lacks the scope "events:read".' } } });
  });

  it('answers 401 on any /api/v1 path without a key, and 404 with one', async () => {
    const { apiKeys, get } = await serve();
    const { key } = await apiKeys.create({ name: 'reader', scopes: ['events:read'] });
    for (const path of ['/api/v1', '/api/v1/', '/api/v1/nothing-here']) {
      expect((await get(path)).body).toMatchObject({ error: { code: 'api.unauthorized' } });
      expect((await get(path, `Bearer ${key}`)).body).toMatchObject({ error: { code: 'http.not_found' } });
    }
  });

  it('refuses a scoped route mounted outside /api/v1 rather than leaving it open', async () => {
    const { apiKeys, get } = await serve();
    const { key } = await apiKeys.create({ name: 'reader', scopes: ['events:read'] });
    expect(await get('/open/things', `Bearer ${key}`)).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized' } } });
  });

  it('never writes a key to the log, valid or not', async () => {
    const { apiKeys, get, log } = await serve();
    const { key } = await apiKeys.create({ name: 'reader', scopes: ['directory:read'] });
    const { key: revoked, apiKey } = await apiKeys.create({ name: 'old', scopes: ['events:read'] });
    await apiKeys.revoke(apiKey.id);
    await get('/api/v1/things', `Bearer ${key}`);
    await get(`/api/v1/things?key=${key}`, `Bearer ${revoked}`);
    await get('/api/v1/nothing', `Bearer ${key.slice(0, -1)}`);

    expect(log.lines.length).toBeGreaterThanOrEqual(3);
    for (const secret of [key, revoked, key.slice(4, 30), revoked.slice(4, 30)]) expect(log.text()).not.toContain(secret);
  });
});
