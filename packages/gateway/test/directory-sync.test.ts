import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/src/index.ts';
import { serializeDepartment, serializeUser } from '../../emulator/src/open-apis/contact/serialize.ts';
import type { Gateway } from '../src/main.ts';
import { control } from './support/emulator-control.ts';
import { gatewayEnvFor } from './support/gateway-env-for.ts';
import { spawnGateway, waitUntilListening } from './support/spawn-gateway.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { until } from './support/until.ts';

const ids = { userIdType: 'open_id', departmentIdType: 'open_department_id' } as const;

/** The emulator's users and departments as its Open API shows them to the app (the truth to mirror). */
function feishuTruth(emulator: Emulator) {
  const app = emulator.defaultApp();
  const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
  if (tenant === undefined) throw new Error('no tenant');
  return {
    users: [...tenant.users.values()].map((user) => serializeUser(app, tenant, user, ids)),
    departments: [...tenant.departments.values()].filter((department) => department.openDepartmentId !== '0').map((department) => serializeDepartment(app, tenant, department, ids)),
  };
}

async function syncFinished(gateway: Gateway) {
  return await until(async () => {
    const run = await gateway.database.kysely.selectFrom('directory_sync_runs').selectAll().where('status', '=', 'done').executeTakeFirst();
    return run;
  }, 120_000);
}

describe.each(['pglite', 'postgres'] as const)('a full directory sync on %s', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('mirrors every user, department and group with every mapped field equal to Feishu', { timeout: 240_000 }, async () => {
    // 5,000 people on PostgreSQL; a smaller company on the slower embedded database.
    const size = backend === 'postgres' ? { users: 5_000, departments: 250 } : { users: 300, departments: 20 };
    const multiplier = 8;
    const emulator = await createEmulator({ seed: 700, ...size, rateLimitMultiplier: multiplier });
    cleanups.push(async () => await emulator.close());
    const env: Record<string, string> = { FEISHU_RATE_LIMIT_MULTIPLIER: String(multiplier) };
    if (backend === 'postgres') {
      const database = await createPostgresDatabase();
      cleanups.push(async () => await database.drop());
      Object.assign(env, { DATABASE_URL: database.url, GATEWAY_SECRET_KEY: randomBytes(32).toString('base64') });
    }
    const { gateway } = await startGatewayAgainst(emulator, { env });
    cleanups.push(async () => await gateway.stop());

    const run = await syncFinished(gateway);
    const truth = feishuTruth(emulator);
    const users = await gateway.database.kysely.selectFrom('directory_users').selectAll().execute();
    expect(users).toHaveLength(truth.users.length);
    const byOpenId = new Map(users.map((user) => [user.open_id, user]));
    for (const expected of truth.users) {
      const mirrored = byOpenId.get(String(expected['open_id']));
      expect(mirrored, `user ${String(expected['open_id'])}`).toBeDefined();
      expect({
        union_id: mirrored?.union_id,
        user_id: mirrored?.user_id,
        name: mirrored?.name,
        en_name: mirrored?.en_name,
        email: mirrored?.email,
        enterprise_email: mirrored?.enterprise_email,
        mobile: mirrored?.mobile,
        employee_no: mirrored?.employee_no,
        employee_type: mirrored?.employee_type,
        job_title: mirrored?.job_title,
        leader_user_id: mirrored?.leader_user_id,
        department_ids: mirrored?.department_ids,
        status: mirrored?.status,
        avatar: mirrored?.avatar,
        join_time: Number(mirrored?.join_time),
        is_tenant_manager: mirrored?.is_tenant_manager,
        state: mirrored?.state,
      }).toEqual({
        union_id: expected['union_id'],
        user_id: expected['user_id'] ?? null,
        name: expected['name'],
        en_name: expected['en_name'] ?? null,
        email: expected['email'] ?? null,
        enterprise_email: expected['enterprise_email'] ?? null,
        mobile: expected['mobile'] ?? null,
        employee_no: expected['employee_no'] ?? null,
        employee_type: expected['employee_type'] ?? null,
        job_title: expected['job_title'] ?? null,
        leader_user_id: expected['leader_user_id'] ?? null,
        department_ids: expected['department_ids'],
        status: expected['status'],
        avatar: expected['avatar'],
        join_time: expected['join_time'],
        is_tenant_manager: expected['is_tenant_manager'],
        state: (expected['status'] as { is_resigned?: boolean; is_frozen?: boolean; is_exited?: boolean }).is_resigned === true ||
          (expected['status'] as { is_frozen?: boolean }).is_frozen === true ||
          (expected['status'] as { is_exited?: boolean }).is_exited === true
          ? 'deactivated'
          : 'active',
      });
    }

    const departments = await gateway.database.kysely.selectFrom('directory_departments').selectAll().execute();
    expect(departments).toHaveLength(truth.departments.length);
    const byDepartmentId = new Map(departments.map((department) => [department.open_department_id, department]));
    for (const expected of truth.departments) {
      const mirrored = byDepartmentId.get(String(expected['open_department_id']));
      expect({
        name: mirrored?.name,
        department_id: mirrored?.department_id,
        parent: mirrored?.parent_open_department_id,
        order: mirrored?.display_order,
        leader: mirrored?.leader_user_id,
        deleted: mirrored?.is_deleted,
      }).toEqual({
        name: expected['name'],
        department_id: expected['department_id'] ?? null,
        parent: expected['parent_department_id'],
        order: expected['order'] === undefined ? null : String(expected['order'] as string | number),
        leader: expected['leader_user_id'] ?? null,
        deleted: false,
      });
    }
    const app = emulator.defaultApp();
    const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
    const groups = await gateway.database.kysely.selectFrom('directory_groups').selectAll().execute();
    const feishuGroups = [...(tenant?.groups.values() ?? [])];
    expect(feishuGroups.length).toBeGreaterThan(0);
    expect(new Map(groups.map((group) => [group.group_id, group.name]))).toEqual(new Map(feishuGroups.map((group) => [group.groupId, group.name])));
    const members = await gateway.database.kysely.selectFrom('directory_group_members').selectAll().where('member_type', '=', 'user').execute();
    const openIdOf = new Map(truth.users.map((user) => [String(user['union_id']), String(user['open_id'])]));
    const expectedMembers = feishuGroups.flatMap((group) => [...group.memberUserIds].map((userId) => `${group.groupId}:${openIdOf.get(tenant?.users.get(userId)?.unionId ?? '') ?? ''}`));
    expect(new Set(members.map((member) => `${member.group_id}:${member.member_id}`))).toEqual(new Set(expectedMembers));

    // Every mirrored entity was announced once, as created.
    const changes = await gateway.database.kysely.selectFrom('directory_changes').select(['entity', 'kind']).execute();
    expect(changes.filter((change) => change.entity === 'user' && change.kind === 'created')).toHaveLength(truth.users.length);
    expect(Number(run.requests)).toBeGreaterThan(0);
  });
});

describe('a full directory sync, special cases', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('walks a company too big to list recursively breadth-first when Feishu answers 43010', { timeout: 120_000 }, async () => {
    // Recursion is refused above 4 departments: the root (20) and most subtrees are too big.
    const emulator = await createEmulator({ seed: 701, users: 120, departments: 20, maxRecursiveDepartments: 4 });
    cleanups.push(async () => await emulator.close());
    const { gateway } = await startGatewayAgainst(emulator);
    cleanups.push(async () => await gateway.stop());
    const run = await syncFinished(gateway);
    const truth = feishuTruth(emulator);
    const departments = await gateway.database.kysely.selectFrom('directory_departments').select('open_department_id').execute();
    expect(new Set(departments.map((department) => department.open_department_id))).toEqual(new Set(truth.departments.map((department) => String(department['open_department_id']))));
    expect(await gateway.database.kysely.selectFrom('directory_users').select('open_id').execute()).toHaveLength(truth.users.length);
    const levelByLevel = await gateway.database.kysely.selectFrom('directory_sync_tasks').select('target').where('run_id', '=', String(run.id)).where('task', '=', 'department_children').execute();
    expect(levelByLevel.length).toBeGreaterThan(0);
  });

  it('mirrors only what a contact scope narrower than the company grants', { timeout: 120_000 }, async () => {
    const emulator = await createEmulator({ seed: 702, users: 120, departments: 12 });
    cleanups.push(async () => await emulator.close());
    const app = emulator.defaultApp();
    const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
    if (tenant === undefined) throw new Error('no tenant');
    // A department with a sub-department, and one person from elsewhere.
    const parent = [...tenant.departments.values()].find((department) => department.openDepartmentId !== '0' && [...tenant.departments.values()].some((child) => child.parentId === department.openDepartmentId));
    if (parent === undefined) throw new Error('no department with children');
    const subtree = new Set([parent.openDepartmentId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const department of tenant.departments.values()) {
        if (!subtree.has(department.openDepartmentId) && subtree.has(department.parentId)) {
          subtree.add(department.openDepartmentId);
          grew = true;
        }
      }
    }
    const outsider = [...tenant.users.values()].find((user) => !user.departmentIds.some((id) => subtree.has(id)));
    if (outsider === undefined) throw new Error('no outsider');
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: [parent.openDepartmentId], users: [outsider.userId] }, silent: true });

    const { gateway } = await startGatewayAgainst(emulator);
    cleanups.push(async () => await gateway.stop());
    await syncFinished(gateway);
    const departments = await gateway.database.kysely.selectFrom('directory_departments').select('open_department_id').execute();
    expect(new Set(departments.map((department) => department.open_department_id))).toEqual(subtree);
    const expectedUsers = [...tenant.users.values()].filter((user) => user.deleted !== true && (user.userId === outsider.userId || user.departmentIds.some((id) => subtree.has(id))));
    const users = await gateway.database.kysely.selectFrom('directory_users').select(['open_id', 'state']).execute();
    expect(users).toHaveLength(expectedUsers.length);
    expect(users.every((user) => user.state !== 'deleted')).toBe(true);
    expect(users.length).toBeLessThan(tenant.users.size);
  });
});

describe('a full directory sync killed with SIGKILL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('resumes from its checkpoints: the requests after the restart stay within 1.1 × what remained', { timeout: 240_000 }, async () => {
    const multiplier = 8;
    const emulator = await createEmulator({ seed: 703, users: 5_000, departments: 250, rateLimitMultiplier: multiplier });
    cleanups.push(async () => await emulator.close());
    const app = emulator.defaultApp();
    const database = await createPostgresDatabase();
    cleanups.push(async () => await database.drop());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(async () => await client.end());
    const env = gatewayEnvFor(emulator, {
      DATABASE_URL: database.url,
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
      // The "listening" line is logged at info.
      LOG_LEVEL: 'info',
      FEISHU_RATE_LIMIT_MULTIPLIER: String(multiplier),
      // Short steps, so the step the killed gateway held comes back within seconds.
      DIRECTORY_SYNC_STEP_SECONDS: '5',
    });
    // Pages committed so far (each task counts its own), and the run's status.
    const run = async () =>
      (await client.query<{ status: string; requests: number }>('select r.status, coalesce((select sum(pages) from directory_sync_tasks t where t.run_id = r.id), 0)::int as requests from directory_sync_runs r')).rows[0];
    const contactCalls = async () => {
      const { items } = await control<{ items: { api: string; calls: number }[] }>(emulator, 'GET', `/_emulator/api-calls?app_id=${app.appId}`);
      return items.filter((item) => item.api.startsWith('contact.')).reduce((sum, item) => sum + item.calls, 0);
    };

    const first = spawnGateway(['start'], env);
    cleanups.push(async () => void first.child.kill('SIGKILL'));
    await waitUntilListening(first);
    await until(async () => ((await run())?.requests ?? 0) >= 60 ? true : undefined, 120_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const committedAtKill = (await run())?.requests ?? 0;
    const callsAtKill = await contactCalls();

    const second = spawnGateway(['start'], env);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      await second.exited();
    });
    await waitUntilListening(second);
    const finished = await until(async () => {
      const current = await run();
      return current?.status === 'done' ? current : undefined;
    }, 180_000);

    const remaining = finished.requests - committedAtKill;
    const callsAfter = (await contactCalls()) - callsAtKill;
    expect(committedAtKill).toBeLessThan(finished.requests);
    expect(callsAfter).toBeLessThanOrEqual(Math.ceil(1.1 * remaining));
    const users = await client.query<{ count: string }>("select count(*) from directory_users where state <> 'deleted'");
    expect(Number(users.rows[0]?.count)).toBe(feishuTruth(emulator).users.length);
  });
});
