import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { useApiServer } from '../../test/support/use-api-server.ts';
import { apiKeyScopes, requireScope, type ApiKeyScope } from '../api-keys/index.ts';
import { addDirectoryApiRoutes } from '../directory/add-directory-api-routes.ts';
import { addDirectorySyncRoute } from '../directory/add-directory-sync-route.ts';
import { directoryApiDescription } from '../directory/directory-api-description.ts';
import { directorySyncApiDescription } from '../directory/directory-sync-api-description.ts';
import { addEventsApiRoutes } from '../events/index.ts';
import { eventsApiDescription } from '../events/events-api-description.ts';
import type { AppEnv } from '../http/index.ts';
import type { ApiDescription } from './api-description.ts';
import { apiRoutesOf, openApiRoutes } from './open-api-routes.ts';

type Json = Record<string, unknown>;
type Operation = { operationId: string; security: Record<string, string[]>[]; parameters?: { name: string; in: string; schema: Json }[]; responses: Record<string, Json> };

describe('GET /api/v1/openapi.json', () => {
  const api = useApiServer();

  /** The gateway's `/api/v1` as main.ts assembles it, plus `extraRoutes` and `extraDescriptions`. */
  async function serve(options: { extraRoutes?: (app: Hono<AppEnv>) => void; extraDescriptions?: ApiDescription[] } = {}) {
    const database = await api.openDatabase();
    const { url, app, apiKeys, log } = await api.serve(database, {
      openRoutes: [openApiRoutes({ descriptions: [eventsApiDescription, directoryApiDescription, directorySyncApiDescription, ...(options.extraDescriptions ?? [])] })],
      routes: [
        addEventsApiRoutes({
          database,
          replay: async () => await Promise.reject(new Error('replay is not called in these tests')),
        }),
        addDirectoryApiRoutes({ database }),
        addDirectorySyncRoute({ scopes: [], startSync: async () => await Promise.reject(new Error('no sync is started in these tests')) }),
        ...(options.extraRoutes === undefined ? [] : [options.extraRoutes]),
      ],
    });
    const get = async (path: string, key?: string) => {
      const response = await fetch(url + path, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const { key } = await apiKeys.create({ name: 'all', scopes: Object.keys(apiKeyScopes) });
    return { app, get, key, log };
  }

  it('is served without an API key, and with any key', async () => {
    const { get } = await serve();
    expect((await get('/api/v1/openapi.json')).status).toBe(200);
    expect((await get('/api/v1/openapi.json', 'fgw_not-a-real-key')).status).toBe(200);
    // The key check still guards the rest.
    expect((await get('/api/v1/directory/users')).body).toMatchObject({ error: { code: 'api.unauthorized' } });
  });

  it('is an OpenAPI 3.1 document with the bearer scheme, a scope per operation and resolvable references', async () => {
    const { get } = await serve();
    const document = (await get('/api/v1/openapi.json')).body as Json & { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> } };
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    expect(document['openapi']).toMatch(/^3\.1\.\d+$/);
    expect(document['info']).toMatchObject({ title: 'Feishu Gateway API', version });
    expect(document.components.securitySchemes['apiKey']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document['security']).toEqual([{ apiKey: [] }]);
    expect((document['tags'] as { name: string }[]).map((tag) => tag.name)).toEqual(['meta', 'events', 'directory']);

    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
    for (const { path, method, operation } of operations) {
      const where = `${method} ${path}`;
      if (path === '/api/v1/openapi.json') {
        expect(operation.security, where).toEqual([]);
        continue;
      }
      const [requirement] = operation.security;
      const scope = requirement?.['apiKey']?.[0];
      expect(Object.keys(apiKeyScopes), where).toContain(scope);
      expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '403']));
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), where).toBe(true);
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        expect(operation.parameters?.find((parameter) => parameter.in === 'path' && `{${parameter.name}}` === name), `${where} ${name}`).toBeDefined();
      }
    }
    expect(document.paths['/api/v1/directory/users']?.['get']?.security).toEqual([{ apiKey: ['directory:read' satisfies ApiKeyScope] }]);
    expect(document.paths['/api/v1/events/replay']?.['post']?.security).toEqual([{ apiKey: ['events:replay' satisfies ApiKeyScope] }]);
    expect(document.paths['/api/v1/directory/users']?.['get']?.parameters?.find((parameter) => parameter.name === 'limit')?.schema).toEqual({ type: 'integer', minimum: 1, maximum: 500 });

    // Every $ref points at a schema the document has.
    const refs: string[] = [];
    JSON.stringify(document, (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') refs.push(value);
      return value;
    });
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) expect(document.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    expect(document.components.schemas['DirectoryUser']).toMatchObject({ type: 'object', required: expect.arrayContaining(['open_id', 'status', 'departments']) as unknown });
  });

  it('describes every route registered under /api/v1, and nothing else', async () => {
    const { app, get } = await serve();
    const document = (await get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const served = apiRoutesOf(app);
    expect(served).toEqual(
      expect.arrayContaining(['GET /api/v1/directory/users', 'GET /api/v1/directory/users/:id', 'GET /api/v1/directory/groups/:id/members', 'POST /api/v1/directory/sync', 'GET /api/v1/events', 'POST /api/v1/events/replay', 'GET /api/v1/openapi.json']),
    );
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(described.sort()).toEqual(served);
  });

  it('fails, naming the route, rather than publish a document that misses one', async () => {
    const { get, log } = await serve({ extraRoutes: (app) => app.get('/api/v1/undocumented', requireScope('events:read'), (c) => c.json({})) });
    expect(await get('/api/v1/openapi.json')).toMatchObject({ status: 500, body: { error: { code: 'internal.unexpected' } } });
    expect(log.text()).toContain('GET /api/v1/undocumented');
  });

  it('fails as well when a description names a route that is not served', async () => {
    const ghost: ApiDescription = {
      tag: { name: 'ghost', description: 'Not mounted.' },
      operations: [{ method: 'get', path: '/api/v1/ghosts', operationId: 'listGhosts', summary: 'Ghosts', scope: 'events:read', response: { status: 200, description: 'None.' } }],
    };
    const { get, log } = await serve({ extraDescriptions: [ghost] });
    expect((await get('/api/v1/openapi.json')).status).toBe(500);
    expect(log.text()).toContain('GET /api/v1/ghosts');
  });

  it('documents only query parameters the routes accept', async () => {
    const { get, key } = await serve();
    const document = (await get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      const operation = item['get'];
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        const url = `${path.replace(/\{\w+\}/g, 'x')}?${parameter.name}=${encodeURIComponent(sampleOf(parameter.schema))}`;
        const answer = await get(url, key);
        // Any answer but "unknown parameter": a value may still be refused in combination (a cursor, say).
        const message = (answer.body['error'] as { message?: string } | undefined)?.message ?? '';
        expect(message, url).not.toMatch(/^Unknown query parameter/);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

/** A plausible value for a documented query parameter. */
function sampleOf(schema: Json): string {
  if (Array.isArray(schema['enum'])) return String(schema['enum'][0]);
  if (schema['type'] === 'integer') return typeof schema['minimum'] === 'number' ? String(schema['minimum']) : '1';
  if (schema['type'] === 'boolean') return 'true';
  if (schema['format'] === 'date-time') return '2025-01-01T00:00:00Z';
  if (typeof schema['pattern'] === 'string' && schema['pattern'].includes('active')) return 'active';
  return 'x';
}
