import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentRow, groupRow, seedDirectory, userRow } from '../../test/support/directory-rows.ts';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { addApiRoutes, createApiKeys } from '../api-keys/index.ts';
import { runMigrations } from '../db/index.ts';
import { createHttpApp, createMetrics, startHttpServer, type HttpServer } from '../http/index.ts';
import { addDirectoryApiRoutes } from './add-directory-api-routes.ts';
import { departmentNodeSchema, departmentViewSchema, groupMemberSchema, groupViewSchema, pageSchema, userViewSchema } from './directory-view-schemas.ts';

const pglite = backends.find((backend) => backend.name === 'pglite')!;

type Answer = { status: number; body: Record<string, unknown> & { items?: Record<string, unknown>[]; next_cursor?: string | null; error?: { code: string; message: string } } };

// One server for the file: every test only reads the directory seeded below.
describe('the directory API over HTTP', () => {
  let opened: TestDatabase;
  let server: HttpServer;
  let reader: string;
  let eventsOnly: string;

  beforeAll(async () => {
    opened = await pglite.open();
    await runMigrations(opened.database);
    const apiKeys = createApiKeys(opened.database);
    reader = (await apiKeys.create({ name: 'directory', scopes: ['directory:read'] })).key;
    eventsOnly = (await apiKeys.create({ name: 'events', scopes: ['events:read'] })).key;
    await seedDirectory(opened.database, {
      departments: [
        departmentRow({ open_department_id: 'od-a', department_id: 'eng', name: 'Engineering', leaders: JSON.stringify([{ leaderType: 1, leaderID: 'ou-a' }]), i18n_name: JSON.stringify({ en_us: 'Engineering' }) }),
        departmentRow({ open_department_id: 'od-a1', parent_open_department_id: 'od-a', name: 'Platform' }),
        departmentRow({ open_department_id: 'od-b', name: 'Sales', is_deleted: true, deleted_at: new Date('2025-01-01T00:00:00Z') }),
      ],
      users: [
        userRow({
          open_id: 'ou-a',
          department_ids: ['od-a'],
          primary_department_id: 'od-a',
          orders: JSON.stringify([{ department_id: 'od-a', user_order: 3, department_order: 1, is_primary_dept: true }]),
          email: 'ann@example.com',
          avatar: JSON.stringify({ avatar_72: 'https://example.com/72.png' }),
          join_time: 1_700_000_000,
        }),
        userRow({ open_id: 'ou-a1', department_ids: ['od-a1'], email: 'shared@example.com' }),
        userRow({ connection: 'second', open_id: 'ou-x', email: 'SHARED@example.com' }),
        userRow({ open_id: 'ou-gone', state: 'deleted', deleted_at: new Date('2025-01-02T00:00:00Z') }),
      ],
      groups: [groupRow({ group_id: 'g-1', member_user_count: 1, member_department_count: 1 })],
      members: [
        { connection: 'default', tenant_key: '', group_id: 'g-1', member_type: 'user', member_id: 'ou-a' },
        { connection: 'default', tenant_key: '', group_id: 'g-1', member_type: 'department', member_id: 'od-a1' },
      ],
    });
    const app = createHttpApp({
      logger: createTestLogger({ level: 'fatal' }).logger,
      metrics: createMetrics(),
      bodyLimitBytes: 1024,
      readinessChecks: [],
      routes: [addApiRoutes({ apiKeys, routes: [addDirectoryApiRoutes({ database: opened.database })] })],
    });
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1', headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await server.close(1_000);
    await opened.cleanup();
  });

  /** With the directory reader's key unless another (or `null`, none) is given. */
  async function get(path: string, key: string | null = reader): Promise<Answer> {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, key === null ? {} : { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  it('serves users as their views, each item valid against the documented schema', async () => {
    const answer = await get('/api/v1/directory/users');
    expect(answer.status).toBe(200);
    const page = pageSchema(userViewSchema).parse(answer.body);
    expect(page.items.map((user) => user.open_id)).toEqual(['ou-a', 'ou-a1', 'ou-x']);
    expect(page.items[0]).toMatchObject({
      email: 'ann@example.com',
      status: 'active',
      avatar: { avatar_72: 'https://example.com/72.png' },
      departments: [{ open_department_id: 'od-a', is_primary: true, user_order: 3, department_order: 1 }],
      join_time: 1_700_000_000,
      connection: 'default',
    });
    expect(page.next_cursor).toBeNull();
  });

  it('applies the query: department with sub-departments, status, search, connection, pages', async () => {
    const ids = (answer: Answer) => answer.body.items?.map((item) => item['open_id']);
    expect(ids(await get('/api/v1/directory/users?department=eng&include_subdepartments=true'))).toEqual(['ou-a', 'ou-a1']);
    expect(ids(await get('/api/v1/directory/users?department=od-a&include_subdepartments=false'))).toEqual(['ou-a']);
    expect(ids(await get('/api/v1/directory/users?status=deleted'))).toEqual(['ou-gone']);
    expect(ids(await get('/api/v1/directory/users?q=SHARED'))).toEqual(['ou-a1', 'ou-x']);
    expect(ids(await get('/api/v1/directory/users?connection=second'))).toEqual(['ou-x']);
    expect(ids(await get('/api/v1/directory/users?updated_since=2000-01-01T08:00:00%2B08:00&status=active,deleted'))).toHaveLength(4);

    const first = await get('/api/v1/directory/users?limit=2');
    expect(ids(first)).toEqual(['ou-a', 'ou-a1']);
    const second = await get(`/api/v1/directory/users?limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(ids(second)).toEqual(['ou-x']);
    expect(second.body.next_cursor).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=1e2', 'limit'],
    ['limit=', 'limit'],
    ['status=gone', 'status'],
    ['status=active,', 'status'],
    ['include_subdepartments=true', 'include_subdepartments'],
    ['department=od-a&include_subdepartments=yes', 'include_subdepartments'],
    ['updated_since=yesterday', 'updated_since'],
    ['updated_since=2025-01-01T00:00:00', 'updated_since'],
    ['q=', 'q'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['sort=name', 'sort'],
  ])('answers 400 http.invalid_query to users?%s, naming %s', async (query, name) => {
    const answer = await get(`/api/v1/directory/users?${query}`);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
    expect(answer.body.error?.message).toContain(name);
  });

  it('answers 404 directory.department_not_found to an unknown department', async () => {
    expect(await get('/api/v1/directory/users?department=od-none')).toMatchObject({ status: 404, body: { error: { code: 'directory.department_not_found' } } });
  });

  it('looks a user up by each id type and by email; 404 and 409 otherwise', async () => {
    for (const id of ['ou-a', 'on_ou-a', 'u_ou-a', 'ANN@example.com', encodeURIComponent('ann@example.com')]) {
      const answer = await get(`/api/v1/directory/users/${id}`);
      expect(answer.status, id).toBe(200);
      expect(userViewSchema.parse(answer.body).open_id).toBe('ou-a');
    }
    expect(await get('/api/v1/directory/users/ou-gone')).toMatchObject({ status: 200, body: { status: 'deleted', deleted_at: '2025-01-02T00:00:00.000Z' } });
    expect(await get('/api/v1/directory/users/nobody@example.com')).toMatchObject({ status: 404, body: { error: { code: 'directory.user_not_found' } } });
    expect(await get(`/api/v1/directory/users/${'x'.repeat(400)}`)).toMatchObject({ status: 404, body: { error: { code: 'directory.user_not_found' } } });
    const ambiguous = await get('/api/v1/directory/users/shared@example.com');
    expect(ambiguous).toMatchObject({ status: 409, body: { error: { code: 'directory.ambiguous' } } });
    expect(ambiguous.body.error?.message).not.toContain('shared@example.com');
    expect(await get('/api/v1/directory/users/shared@example.com?connection=second')).toMatchObject({ status: 200, body: { open_id: 'ou-x' } });
    expect(await get('/api/v1/directory/users/ou-a?limit=1')).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
  });

  it('serves departments flat or as a tree', async () => {
    const flat = await get('/api/v1/directory/departments?limit=1');
    const page = pageSchema(departmentViewSchema).parse(flat.body);
    expect(page.items).toEqual([
      expect.objectContaining({ open_department_id: 'od-a', department_id: 'eng', i18n_name: { en_us: 'Engineering' }, leaders: [{ open_id: 'ou-a', type: 'main' }], status: 'active' }),
    ]);
    const rest = await get(`/api/v1/directory/departments?limit=10&cursor=${page.next_cursor ?? ''}`);
    expect(rest.body.items?.map((item) => item['open_department_id'])).toEqual(['od-a1']);
    expect((await get('/api/v1/directory/departments?include_deleted=true')).body.items?.map((item) => item['open_department_id'])).toEqual(['od-a', 'od-a1', 'od-b']);

    const tree = await get('/api/v1/directory/departments?format=tree');
    const nodes = pageSchema(departmentNodeSchema).parse(tree.body);
    expect(nodes.items.map((node) => [node.open_department_id, node.children.map((child) => [child.open_department_id, child.children])])).toEqual([['od-a', [['od-a1', []]]]]);
    expect(nodes.next_cursor).toBeNull();
    expect(await get('/api/v1/directory/departments?format=tree&limit=5')).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
    expect(await get('/api/v1/directory/departments?format=nested')).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
  });

  it('serves groups with their counts, and their members', async () => {
    const groups = pageSchema(groupViewSchema).parse((await get('/api/v1/directory/groups')).body);
    expect(groups.items).toEqual([expect.objectContaining({ group_id: 'g-1', member_user_count: 1, member_department_count: 1, type: 'normal', status: 'active' })]);
    const members = pageSchema(groupMemberSchema).parse((await get('/api/v1/directory/groups/g-1/members')).body);
    expect(members.items).toEqual([
      { member_type: 'department', open_department_id: 'od-a1' },
      { member_type: 'user', open_id: 'ou-a' },
    ]);
    expect((await get('/api/v1/directory/groups/g-1/members?member_type=user')).body.items).toEqual([{ member_type: 'user', open_id: 'ou-a' }]);
    expect(await get('/api/v1/directory/groups/g-none/members')).toMatchObject({ status: 404, body: { error: { code: 'directory.group_not_found' } } });
    expect(await get('/api/v1/directory/groups/g-1/members?member_type=bot')).toMatchObject({ status: 400, body: { error: { code: 'http.invalid_query' } } });
  });

  it('answers 401 without a key and 403 to a key without directory:read, on every route', async () => {
    for (const path of ['/api/v1/directory/users', '/api/v1/directory/users/ou-a', '/api/v1/directory/departments', '/api/v1/directory/groups', '/api/v1/directory/groups/g-1/members']) {
      expect(await get(path, null), path).toMatchObject({ status: 401, body: { error: { code: 'api.unauthorized' } } });
      expect(await get(path, eventsOnly), path).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden', message: 'This API key lacks the scope "directory:read".' } } });
    }
  });
});
