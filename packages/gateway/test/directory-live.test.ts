import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/src/index.ts';
import { serializeUser } from '../../emulator/src/open-apis/contact/serialize.ts';
import { userInScope } from '../../emulator/src/state/contact-scope.ts';
import type { Gateway } from '../src/main.ts';
import { control } from './support/emulator-control.ts';
import { mulberry32 } from './support/mulberry32.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { until } from './support/until.ts';

const CONTACT_EVENTS = ['contact.user.created_v3', 'contact.user.updated_v3', 'contact.user.deleted_v3', 'contact.department.created_v3', 'contact.department.updated_v3', 'contact.department.deleted_v3'];
const ids = { userIdType: 'open_id', departmentIdType: 'open_department_id' } as const;

/** What the mirror should say about each user in the app's contact scope: open_id → a comparable summary. */
function truthOf(emulator: Emulator): Map<string, string> {
  const app = emulator.defaultApp();
  const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
  if (tenant === undefined) throw new Error('no tenant');
  return new Map(
    [...tenant.users.values()]
      .filter((user) => user.deleted !== true && userInScope(app, tenant, user))
      .map((user) => serializeUser(app, tenant, user, ids))
      .map((user) => {
        const status = user['status'] as { is_resigned: boolean; is_frozen: boolean; is_exited: boolean };
        const state = status.is_resigned || status.is_frozen || status.is_exited ? 'deactivated' : 'active';
        return [String(user['open_id']), summary(String(user['name']), (user['email'] as string | undefined) ?? null, (user['mobile'] as string | undefined) ?? null, user['department_ids'] as string[], state)];
      }),
  );
}

async function mirrorOf(gateway: Gateway): Promise<Map<string, string>> {
  const rows = await gateway.database.kysely.selectFrom('directory_users').selectAll().where('state', '!=', 'deleted').execute();
  return new Map(rows.map((row) => [row.open_id, summary(row.name, row.email, row.mobile, row.department_ids, row.state)]));
}

function summary(name: string, email: string | null, mobile: string | null, departments: readonly string[], state: string): string {
  return JSON.stringify([name, email, mobile, [...departments].sort(), state]);
}

/** Entries that differ between the two maps, for a readable failure. */
function differences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  return [...keys].filter((key) => expected.get(key) !== actual.get(key)).map((key) => `${key}: expected ${expected.get(key) ?? 'absent'}, mirrored ${actual.get(key) ?? 'absent'}`);
}

async function synced(gateway: Gateway, kind: 'full' | 'reconcile') {
  return await until(async () => await gateway.database.kysely.selectFrom('directory_sync_runs').selectAll().where('kind', '=', kind).where('status', '=', 'done').executeTakeFirst(), 120_000);
}

describe('the directory kept live', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(seed: number) {
    const emulator = await createEmulator({ seed, users: 60, departments: 8 });
    cleanups.push(async () => await emulator.close());
    const { gateway, app } = await startGatewayAgainst(emulator);
    cleanups.push(async () => await gateway.stop());
    await synced(gateway, 'full');
    return { emulator, gateway, app };
  }

  it('repairs, by a reconcile, changes made in Feishu without events, recording each repair', { timeout: 120_000 }, async () => {
    const { emulator, gateway } = await start(801);
    const tenantUsers = [...truthOf(emulator).keys()];
    const [renamed, removed] = tenantUsers;
    await control(emulator, 'PATCH', `/_emulator/directory/users/${renamed ?? ''}`, { name: 'Quietly Renamed', silent: true });
    await control(emulator, 'DELETE', `/_emulator/directory/users/${removed ?? ''}`, { silent: true });
    const created = await control<{ user: { open_id?: string; user_id: string } }>(emulator, 'POST', '/_emulator/directory/users', { name: 'Quietly Hired', silent: true });
    expect(differences(truthOf(emulator), await mirrorOf(gateway)).length).toBeGreaterThan(0);

    // On demand, through the admin API.
    const { key } = await gateway.apiKeys.create({ name: 'ops', scopes: ['directory:sync'] });
    const { key: reader } = await gateway.apiKeys.create({ name: 'reader', scopes: ['directory:read'] });
    const sync = async (apiKey: string, body: unknown) => {
      const answer = await fetch(`${gateway.url}/api/v1/directory/sync`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    expect(await sync(reader, {})).toMatchObject({ status: 403, body: { error: { code: 'api.forbidden' } } });
    expect(await sync(key, { connection: 'elsewhere' })).toMatchObject({ status: 404, body: { error: { code: 'directory.connection_not_mirrored' } } });
    expect(await sync(key, { kind: 'sometimes' })).toMatchObject({ status: 400 });
    expect(await sync(key, {})).toMatchObject({ status: 202, body: { kind: 'reconcile', joined: false } });
    await synced(gateway, 'reconcile');
    expect(differences(truthOf(emulator), await mirrorOf(gateway))).toEqual([]);
    // Departments' member counts are repaired too; the people are what this test changed.
    const repairs = await gateway.database.kysely.selectFrom('directory_changes').select(['entity_id', 'kind', 'changed_fields']).where('source', '=', 'reconcile').where('entity', '=', 'user').execute();
    expect(repairs.map((repair) => repair.kind).sort()).toEqual(['created', 'deleted', 'updated']);
    expect(repairs.find((repair) => repair.kind === 'updated')).toMatchObject({ entity_id: renamed, changed_fields: ['name'] });
    expect(repairs.find((repair) => repair.kind === 'deleted')?.entity_id).toBe(removed);
    expect(created.user.user_id).toBeTruthy();
  });

  it('converges to Feishu after 1,000 random changes delivered with duplicates and out of order', { timeout: 180_000 }, async () => {
    const { emulator, gateway, app } = await start(802);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: CONTACT_EVENTS });
    await control(emulator, 'POST', '/_emulator/event-faults', { app_id: app.appId, duplicate_rate: 0.3, shuffle: true, shuffle_window_ms: 300 });

    const random = mulberry32(802);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
    const departments = () => [...(tenant?.departments.values() ?? [])].filter((department) => department.deleted !== true && department.openDepartmentId !== '0').map((department) => department.openDepartmentId);
    const people = () => [...(tenant?.users.values() ?? [])].filter((user) => user.deleted !== true && !user.status.isResigned).map((user) => user.userId);
    for (let change = 0; change < 1_000; change += 1) {
      const roll = random();
      const someone = pick(people());
      if (roll < 0.15) await control(emulator, 'POST', '/_emulator/directory/users', { name: `Hire ${change}`, department_ids: [pick(departments())] });
      else if (roll < 0.55) await control(emulator, 'PATCH', `/_emulator/directory/users/${someone}`, { name: `Renamed ${change}` });
      else if (roll < 0.7) await control(emulator, 'PATCH', `/_emulator/directory/users/${someone}`, { mobile: `+86 138${String(change).padStart(8, '0')}` });
      else if (roll < 0.85) await control(emulator, 'PATCH', `/_emulator/directory/users/${someone}`, { department_ids: [pick(departments())] });
      else if (roll < 0.93) await control(emulator, 'PATCH', `/_emulator/directory/users/${someone}`, { is_frozen: random() < 0.5 });
      else await control(emulator, 'POST', `/_emulator/directory/users/${someone}/resign`, {});
      // Two changes to one person never share a millisecond of Feishu's clock (their order would be unknowable).
      await new Promise((resolve) => setTimeout(resolve, 1));
    }

    const converged = await until(async () => (differences(truthOf(emulator), await mirrorOf(gateway)).length === 0 ? true : undefined), 60_000).catch(async () => differences(truthOf(emulator), await mirrorOf(gateway)));
    expect(converged).toBe(true);
    const deliveries = await control<{ items: { duplicate: boolean }[] }>(emulator, 'GET', `/_emulator/deliveries?app_id=${app.appId}`);
    expect(deliveries.items.some((item) => item.duplicate)).toBe(true);
  });

  it('follows the contact scope as it narrows and widens again', { timeout: 180_000 }, async () => {
    const { emulator, gateway, app } = await start(803);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: [...CONTACT_EVENTS, 'contact.scope.updated_v3'] });
    const tenant = [...emulator.state.tenants.values()].find((candidate) => app.installations.has(candidate.tenantKey));
    const kept = [...(tenant?.departments.values() ?? [])].find((department) => department.parentId === '0');
    if (tenant === undefined || kept === undefined) throw new Error('no top-level department');
    const runs = async () => (await gateway.database.kysely.selectFrom('directory_sync_runs').select(['id', 'status']).execute()).filter((run) => run.status === 'done').length;

    // Narrowed to one top-level department: everyone else leaves the mirror (marked deleted).
    let finished = await runs();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: [kept.openDepartmentId] } });
    await until(async () => ((await runs()) > finished ? true : undefined), 60_000);
    await until(async () => (differences(truthOf(emulator), await mirrorOf(gateway)).length === 0 ? true : undefined), 60_000);
    expect((await mirrorOf(gateway)).size).toBeLessThan(60);
    expect(await gateway.database.kysely.selectFrom('directory_users').select('open_id').where('state', '=', 'deleted').execute()).not.toHaveLength(0);

    // Widened to the whole company: what came back into view is fetched again.
    finished = await runs();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { contact_scope: { departments: ['0'] } });
    await until(async () => ((await runs()) > finished ? true : undefined), 60_000);
    await until(async () => (differences(truthOf(emulator), await mirrorOf(gateway)).length === 0 ? true : undefined), 60_000);
  });

  it('keeps the tenant\'s workforce types from their events: created, renamed, deleted', { timeout: 120_000 }, async () => {
    const { emulator, gateway, app } = await start(804);
    const types = ['created', 'updated', 'deleted', 'actived', 'deactivated'].map((kind) => `contact.employee_type_enum.${kind}_v3`);
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: types });
    const created = await control<{ employee_type_enum: { enum_id: string } }>(emulator, 'POST', '/_emulator/directory/employee-type-enums', { content: 'Contractor' });
    const enumId = created.employee_type_enum.enum_id;
    const row = async () => await gateway.database.kysely.selectFrom('directory_employee_types').selectAll().where('enum_id', '=', enumId).executeTakeFirst();
    await until(async () => ((await row())?.content === 'Contractor' ? true : undefined));
    await control(emulator, 'PATCH', `/_emulator/directory/employee-type-enums/${enumId}`, { content: 'Long-term contractor' });
    await until(async () => ((await row())?.content === 'Long-term contractor' ? true : undefined));
    await control(emulator, 'DELETE', `/_emulator/directory/employee-type-enums/${enumId}`, {});
    const deleted = await until(async () => ((await row())?.is_deleted === true ? await row() : undefined));
    expect(deleted).toMatchObject({ content: 'Long-term contractor', is_deleted: true });
  });
});
