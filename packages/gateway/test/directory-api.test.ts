import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/src/index.ts';
import { serializeUser } from '../../emulator/src/open-apis/contact/serialize.ts';
import { openApiRoutes } from '../src/api-docs/index.ts';
import { addApiRoutes } from '../src/api-keys/index.ts';
import { addDirectoryApiRoutes, directoryApiDescription } from '../src/directory/index.ts';
import { departmentNodeSchema, pageSchema, userViewSchema } from '../src/directory/directory-view-schemas.ts';
import { createHttpApp, createMetrics, startHttpServer, type HttpServer } from '../src/http/index.ts';
import type { Gateway } from '../src/main.ts';
import { control } from './support/emulator-control.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { createTestLogger } from './support/test-logger.ts';
import { until } from './support/until.ts';

const ids = { userIdType: 'open_id', departmentIdType: 'open_department_id' } as const;
type User = { open_id: string; union_id: string; user_id: string; name: string; email: string | null; enterprise_email: string | null; mobile: string | null; department_ids: string[]; status: string };
type DepartmentNode = { open_department_id: string; parent_open_department_id: string | null; children: DepartmentNode[] };

/** The emulator's tenant as the gateway's app sees it. */
function feishu(emulator: Emulator) {
  const app = emulator.defaultApp();
  const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
  if (tenant === undefined) throw new Error('no tenant');
  const serialize = (user: Parameters<typeof serializeUser>[2]) => serializeUser(app, tenant, user, ids);
  const users = [...tenant.users.values()]
    .filter((user) => !user.deleted)
    .map((user) => {
      const seen = serialize(user);
      const status = seen['status'] as { is_resigned: boolean; is_frozen: boolean; is_exited: boolean };
      return {
        open_id: String(seen['open_id']),
        union_id: String(seen['union_id']),
        user_id: String(seen['user_id']),
        name: String(seen['name']),
        email: (seen['email'] as string | undefined) ?? null,
        enterprise_email: (seen['enterprise_email'] as string | undefined) ?? null,
        mobile: (seen['mobile'] as string | undefined) ?? null,
        department_ids: seen['department_ids'] as string[],
        status: status.is_resigned || status.is_frozen || status.is_exited ? 'deactivated' : 'active',
      } satisfies User;
    });
  const departments = [...tenant.departments.values()].filter((department) => !department.deleted && department.openDepartmentId !== '0');
  const openIdOf = (userId: string) => {
    const user = tenant.users.get(userId);
    return user === undefined ? undefined : String(serialize(user)['open_id']);
  };
  return { tenant, users, departments, openIdOf };
}

// One synced gateway for the file; the directory API is served over its database and API keys
// (main.ts wires the same routes into the gateway itself).
describe('the directory API after a full sync from the emulator', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let server: HttpServer;
  let key: string;

  beforeAll(async () => {
    emulator = await createEmulator({ seed: 707, users: 150, departments: 12 });
    ({ gateway } = await startGatewayAgainst(emulator));
    await until(async () => await gateway.database.kysely.selectFrom('directory_sync_runs').select('id').where('status', '=', 'done').executeTakeFirst(), 120_000);
    key = (await gateway.apiKeys.create({ name: 'hr', scopes: ['directory:read'] })).key;
    const app = createHttpApp({
      logger: createTestLogger({ level: 'fatal' }).logger,
      metrics: createMetrics(),
      bodyLimitBytes: 1024,
      readinessChecks: [],
      routes: [openApiRoutes({ descriptions: [directoryApiDescription] }), addApiRoutes({ apiKeys: gateway.apiKeys, routes: [addDirectoryApiRoutes({ database: gateway.database })] })],
    });
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1', headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await server.close(1_000);
    await gateway.stop();
    await emulator.close();
  });

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function allUsers(query: string): Promise<User[]> {
    const users: User[] = [];
    let cursor: string | null = null;
    do {
      const answer = await get(`/api/v1/directory/users?limit=40&${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(answer.status).toBe(200);
      const page = pageSchema(userViewSchema).parse(answer.body);
      users.push(
        ...page.items.map((item) => ({
          open_id: item.open_id,
          union_id: item.union_id ?? '',
          user_id: item.user_id ?? '',
          name: item.name,
          email: item.email,
          enterprise_email: item.enterprise_email,
          mobile: item.mobile,
          department_ids: item.departments.map((department) => department.open_department_id),
          status: item.status,
        })),
      );
      cursor = page.next_cursor;
    } while (cursor !== null && users.length < 10_000);
    return users;
  }

  const byOpenId = (users: readonly User[]) => [...users].sort((a, b) => a.open_id.localeCompare(b.open_id));

  it('lists every user Feishu has, as Feishu has them, across pages', async () => {
    const truth = feishu(emulator);
    const served = await allUsers('');
    expect(served.length).toBe(truth.users.length);
    expect(byOpenId(served)).toEqual(byOpenId(truth.users));
  });

  it('lists the users of a department, with and without its sub-departments', async () => {
    const truth = feishu(emulator);
    const below = (id: string): string[] => [id, ...truth.departments.filter((department) => department.parentId === id).flatMap((department) => below(department.openDepartmentId))];
    const parent = truth.departments.find((department) => truth.departments.some((child) => child.parentId === department.openDepartmentId));
    expect(parent, 'a department with sub-departments').toBeDefined();
    const id = parent?.openDepartmentId ?? '';
    const subtree = new Set(below(id));
    expect(subtree.size).toBeGreaterThan(1);

    const direct = await allUsers(`department=${id}`);
    expect(direct.map((user) => user.open_id).sort()).toEqual(truth.users.filter((user) => user.department_ids.includes(id)).map((user) => user.open_id).sort());
    const all = await allUsers(`department=${id}&include_subdepartments=true`);
    expect(all.map((user) => user.open_id).sort()).toEqual(truth.users.filter((user) => user.department_ids.some((department) => subtree.has(department))).map((user) => user.open_id).sort());
    expect(all.length).toBeGreaterThan(direct.length);
    // By the tenant's own department id too.
    expect((await allUsers(`department=${parent?.departmentId ?? ''}&include_subdepartments=true`)).length).toBe(all.length);
  });

  it('finds a user by each kind of id, by email in any case and by mobile', async () => {
    const truth = feishu(emulator);
    const user = truth.users.find((candidate) => Boolean(candidate.email) && Boolean(candidate.enterprise_email)) ?? truth.users.find((candidate) => Boolean(candidate.email));
    expect(user, 'a user with an email').toBeDefined();
    const lookups = [user?.open_id, user?.union_id, user?.user_id, user?.email?.toUpperCase(), user?.enterprise_email, user?.mobile].filter((id): id is string => typeof id === 'string' && id !== '');
    expect(lookups.length).toBeGreaterThanOrEqual(5);
    for (const id of lookups) expect(await get(`/api/v1/directory/users/${encodeURIComponent(id)}`), id).toMatchObject({ status: 200, body: { open_id: user?.open_id, name: user?.name } });
    expect((await get('/api/v1/directory/users/nobody%40nowhere.example')).body).toMatchObject({ error: { code: 'directory.user_not_found' } });
  });

  it('serves the department tree as Feishu nests it', async () => {
    const truth = feishu(emulator);
    const tree = pageSchema(departmentNodeSchema).parse((await get('/api/v1/directory/departments?format=tree')).body).items as DepartmentNode[];
    const parents = new Map<string, string | null>();
    const walk = (nodes: readonly DepartmentNode[], parent: string) =>
      nodes.forEach((node) => {
        parents.set(node.open_department_id, parent);
        walk(node.children, node.open_department_id);
      });
    walk(tree, '0');
    expect(Object.fromEntries([...parents].sort())).toEqual(Object.fromEntries(truth.departments.map((department) => [department.openDepartmentId, department.parentId]).sort()));
  });

  it('serves the groups and their members', async () => {
    const truth = feishu(emulator);
    const groups = (await get('/api/v1/directory/groups?limit=500')).body['items'] as { group_id: string; member_user_count: number }[];
    expect(groups.map((group) => group.group_id).sort()).toEqual([...truth.tenant.groups.keys()].sort());
    const group = [...truth.tenant.groups.values()].find((candidate) => candidate.memberUserIds.size > 0);
    expect(group, 'a group with members').toBeDefined();
    const members = (await get(`/api/v1/directory/groups/${group?.groupId ?? ''}/members?limit=500`)).body['items'] as { member_type: string; open_id?: string; open_department_id?: string }[];
    expect(members.filter((member) => member.member_type === 'user').map((member) => member.open_id).sort()).toEqual([...(group?.memberUserIds ?? [])].map(truth.openIdOf).sort());
    expect(members.filter((member) => member.member_type === 'department').map((member) => member.open_department_id).sort()).toEqual([...(group?.memberDepartmentIds ?? [])].sort());
  });

  it('returns a user changed in Feishu from updated_since once the event has arrived', { timeout: 60_000 }, async () => {
    const app = emulator.defaultApp();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: ['contact.user.updated_v3'] });
    const since = new Date().toISOString();
    expect(await allUsers(`updated_since=${since}`)).toEqual([]);
    const [someone] = feishu(emulator).users;
    await control(emulator, 'PATCH', `/_emulator/directory/users/${someone?.open_id ?? ''}`, { name: 'Renamed For The API' });
    const changed = await until(async () => {
      const users = await allUsers(`updated_since=${since}`);
      return users.length > 0 ? users : undefined;
    });
    expect(changed).toEqual([expect.objectContaining({ open_id: someone?.open_id, name: 'Renamed For The API' })]);
  });

  it('publishes its routes in the OpenAPI document', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/v1/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(['/api/v1/directory/departments', '/api/v1/directory/groups', '/api/v1/directory/groups/{id}/members', '/api/v1/directory/users', '/api/v1/directory/users/{id}', '/api/v1/openapi.json']);
  });
});
