import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { departmentRow, groupRow, seedDirectory, userRow } from '../../test/support/directory-rows.ts';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { runMigrations, type Database } from '../db/index.ts';
import { createDirectoryQueries, type DirectoryQueries, type Page } from './directory-queries.ts';

const ACTIVE_AND_DEACTIVATED = ['active', 'deactivated'] as const;

/**
 * A small organisation in connection `default`:
 *   0 ─ eng (od-a) ─ od-a1 ─ od-a1x
 *     │            └ od-a2
 *     └ sales (od-b)
 * and connection `second`, which has users but no departments.
 */
async function seedOrganisation(database: Database): Promise<void> {
  await seedDirectory(database, {
    departments: [
      departmentRow({ open_department_id: 'od-a', department_id: 'eng', name: 'Engineering', display_order: '2' }),
      departmentRow({ open_department_id: 'od-a1', parent_open_department_id: 'od-a', name: 'Platform', display_order: '1' }),
      departmentRow({ open_department_id: 'od-a1x', parent_open_department_id: 'od-a1', name: 'Storage' }),
      departmentRow({ open_department_id: 'od-a2', parent_open_department_id: 'od-a', name: 'Apps', display_order: '0' }),
      departmentRow({ open_department_id: 'od-b', department_id: 'sales', name: 'Sales', display_order: '1' }),
      departmentRow({ open_department_id: 'od-gone', parent_open_department_id: 'od-b', name: 'Closed', is_deleted: true, deleted_at: new Date('2025-01-01T00:00:00Z') }),
    ],
    users: [
      userRow({ open_id: 'ou-root', department_ids: ['0'], name: 'Root Person' }),
      userRow({ open_id: 'ou-a', department_ids: ['od-a'], name: 'Alice Zhang', en_name: 'Alice', email: 'Alice@Example.com', enterprise_email: 'alice@corp.example' }),
      userRow({ open_id: 'ou-a1', department_ids: ['od-a1'], name: 'Bob Li', state: 'deactivated' }),
      userRow({ open_id: 'ou-a1x', department_ids: ['od-a1x'], name: 'Carol Wu', en_name: 'Carol' }),
      userRow({ open_id: 'ou-a2b', department_ids: ['od-a2', 'od-b'], name: 'Dan 100%_sure', email: 'dan@example.com' }),
      userRow({ open_id: 'ou-b', department_ids: ['od-b'], name: 'Erin Gone', state: 'deleted', deleted_at: new Date('2025-01-02T00:00:00Z') }),
      userRow({ connection: 'second', open_id: 'ou2-root', department_ids: ['0'], name: 'Second Root' }),
      userRow({ connection: 'second', open_id: 'ou2-a', department_ids: ['od-a'], name: 'Second Alice' }),
    ],
  });
}

const openIds = (page: Page<{ open_id: string }>) => page.items.map((item) => item.open_id);

describe.each(backends)('directory queries on $name', (backend) => {
  let opened: TestDatabase | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function setUp(): Promise<{ database: Database; queries: DirectoryQueries }> {
    opened = await backend.open();
    await runMigrations(opened.database);
    return { database: opened.database, queries: createDirectoryQueries(opened.database) };
  }

  describe('listUsers', () => {
    it('filters by department, directly or with every department below it, by either id', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      const list = async (id: string, includeSubdepartments: boolean, extra: { connection?: string } = {}) =>
        openIds(await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 100, department: { id, includeSubdepartments }, ...extra }));

      expect(await list('od-a', false)).toEqual(['ou-a']);
      expect(await list('eng', false)).toEqual(['ou-a']);
      // ou2-a names od-a too, but in a connection that has no such department.
      expect(await list('eng', true)).toEqual(['ou-a', 'ou-a1', 'ou-a1x', 'ou-a2b']);
      expect(await list('od-a1', true)).toEqual(['ou-a1', 'ou-a1x']);
      expect(await list('sales', true)).toEqual(['ou-a2b']);
      expect(await list('0', false)).toEqual(['ou-root', 'ou2-root']);
      expect(await list('0', true)).toEqual(['ou-a', 'ou-a1', 'ou-a1x', 'ou-a2b', 'ou-root', 'ou2-root']);
      expect(await list('0', true, { connection: 'second' })).toEqual(['ou2-root']);
      await expect(list('od-nowhere', true)).rejects.toMatchObject({ code: 'directory.department_not_found' });
      await expect(list('od-a', false, { connection: 'second' })).rejects.toMatchObject({ code: 'directory.department_not_found' });
    });

    it('leaves deleted users out unless asked, and filters by status and connection', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      const list = async (statuses: readonly ('active' | 'deactivated' | 'deleted')[], connection?: string) =>
        openIds(await queries.listUsers({ statuses, limit: 100, ...(connection === undefined ? {} : { connection }) }));

      expect(await list(ACTIVE_AND_DEACTIVATED)).toEqual(['ou-a', 'ou-a1', 'ou-a1x', 'ou-a2b', 'ou-root', 'ou2-a', 'ou2-root']);
      expect(await list(['deleted'])).toEqual(['ou-b']);
      expect(await list(['deactivated', 'deleted'])).toEqual(['ou-a1', 'ou-b']);
      expect(await list(ACTIVE_AND_DEACTIVATED, 'second')).toEqual(['ou2-a', 'ou2-root']);
      expect(await list(ACTIVE_AND_DEACTIVATED, 'nobody')).toEqual([]);
    });

    it('searches name, English name and both emails without case, taking % and _ literally', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      const search = async (q: string) => openIds(await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 100, q }));

      expect(await search('ALICE')).toEqual(['ou-a', 'ou2-a']);
      expect(await search('carol')).toEqual(['ou-a1x']);
      expect(await search('EXAMPLE.COM')).toEqual(['ou-a', 'ou-a2b']);
      expect(await search('corp.example')).toEqual(['ou-a']);
      expect(await search('%_')).toEqual(['ou-a2b']);
      expect(await search('_')).toEqual(['ou-a2b']);
      expect(await search('gone')).toEqual([]);
    });

    it('returns users updated at or after updated_since, oldest change first, to the microsecond', async () => {
      const { database, queries } = await setUp();
      await seedDirectory(database, {
        users: [
          userRow({ open_id: 'ou-old', updated_at: new Date('2025-01-01T00:00:00Z') }),
          userRow({ open_id: 'ou-late', updated_at: new Date('2025-03-01T00:00:00Z') }),
          userRow({ open_id: 'ou-mid', updated_at: new Date('2025-02-01T00:00:00Z') }),
        ],
      });
      await sql`update directory_users set updated_at = '2025-02-01T00:00:00.000500Z' where open_id = 'ou-old'`.execute(database.kysely);
      const since = async (time: string) => openIds(await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 100, updatedSince: time }));

      expect(await since('2025-01-15T00:00:00Z')).toEqual(['ou-mid', 'ou-old', 'ou-late']);
      expect(await since('2025-02-01T08:00:00.0005+08:00')).toEqual(['ou-old', 'ou-late']);
      expect(await since('2025-02-01T00:00:00.000501Z')).toEqual(['ou-late']);
      expect(await since('2025-03-01T00:00:00.000001Z')).toEqual([]);

      // ou-mid and ou-old changed within the same millisecond: a cursor rounded to it would repeat ou-old.
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 1, updatedSince: '2025-01-15T00:00:00Z', ...(cursor === undefined ? {} : { cursor }) });
        paged.push(...openIds(page));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined && paged.length < 10);
      expect(paged).toEqual(['ou-mid', 'ou-old', 'ou-late']);
    });

    it('pages by primary key with neither repeats nor gaps while users are being updated', async () => {
      const { database, queries } = await setUp();
      const ids = Array.from({ length: 230 }, (_, index) => `ou-${String(index).padStart(3, '0')}`);
      await seedDirectory(database, { users: ids.map((id, index) => userRow({ open_id: id, state: index % 3 === 0 ? 'deactivated' : 'active' })) });

      // Between every two pages, users behind and ahead of the cursor change name, state and updated_at.
      let writes = 0;
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 17, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...openIds(page));
        cursor = page.next_cursor ?? undefined;
        pages += 1;
        for (let step = 0; step < 6; step += 1, writes += 1) {
          await database.kysely
            .updateTable('directory_users')
            .set({ name: `renamed ${writes}`, state: writes % 2 === 0 ? 'active' : 'deactivated', updated_at: sql`now()` })
            .where('open_id', '=', ids[(writes * 37) % ids.length] ?? '')
            .execute();
        }
      } while (cursor !== undefined && pages < 100);

      expect(writes).toBeGreaterThan(5);
      expect(pages).toBe(Math.ceil(230 / 17));
      expect(seen).toEqual(ids);
    });

    it('pages by (updated_at, open_id) through ties; a user updated meanwhile comes again later, none is skipped', async () => {
      const { database, queries } = await setUp();
      const base = Date.parse('2025-01-01T00:00:00Z');
      const ids = Array.from({ length: 60 }, (_, index) => `ou-${String(index).padStart(2, '0')}`);
      // Seven users share each timestamp, so page boundaries fall inside ties.
      await seedDirectory(database, { users: ids.map((id, index) => userRow({ open_id: id, updated_at: new Date(base + Math.floor(index / 7) * 1000) })) });

      const seen: { open_id: string; name: string }[] = [];
      const updatedAfterSeen = new Set<string>();
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 9, updatedSince: '2025-01-01T00:00:00Z', ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.items.map((item) => ({ open_id: item.open_id, name: item.name })));
        cursor = page.next_cursor ?? undefined;
        // Between pages: update one user already seen and one not yet reached.
        if (round < 4) {
          const earlier = seen[round]?.open_id ?? '';
          const later = ids[50 - round] ?? '';
          await database.kysely.updateTable('directory_users').set({ name: `changed ${round}`, updated_at: sql`now()` }).where('open_id', 'in', [earlier, later]).execute();
          updatedAfterSeen.add(earlier);
        }
        round += 1;
      } while (cursor !== undefined && round < 100);

      const counts = new Map<string, number>();
      for (const { open_id } of seen) counts.set(open_id, (counts.get(open_id) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(ids);
      for (const [id, count] of counts) expect(count, id).toBe(updatedAfterSeen.has(id) ? 2 : 1);
      // The repeat carries the new state.
      for (const id of updatedAfterSeen) expect(seen.findLast((item) => item.open_id === id)?.name).toMatch(/^changed /);
    });

    it('refuses a cursor from another list or ordering, or a forged one', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      const byKey = await queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 1 });
      const groups = await queries.listGroups({ includeDeleted: true, limit: 1 });
      expect(byKey.next_cursor).not.toBeNull();
      const forged = Buffer.from(JSON.stringify(['users_by_update', "x' or 1=1", 'a', 'b', 'c'])).toString('base64url');
      for (const cursor of [groups.next_cursor ?? Buffer.from('["groups","a","b","c"]').toString('base64url'), 'not-a-cursor', forged]) {
        await expect(queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 1, cursor })).rejects.toMatchObject({ code: 'http.invalid_query' });
      }
      await expect(queries.listUsers({ statuses: ACTIVE_AND_DEACTIVATED, limit: 1, updatedSince: '2020-01-01T00:00:00Z', cursor: byKey.next_cursor ?? '' })).rejects.toMatchObject({ code: 'http.invalid_query' });
    });
  });

  describe('findUser', () => {
    it('finds a user by open_id, union_id, user_id, email or enterprise email, emails in any case', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      for (const id of ['ou-a', 'on_ou-a', 'u_ou-a', 'alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Corp.Example']) {
        expect((await queries.findUser(id)).open_id, id).toBe('ou-a');
      }
      // Deleted users still resolve.
      expect(await queries.findUser('ou-b')).toMatchObject({ open_id: 'ou-b', status: 'deleted', deleted_at: '2025-01-02T00:00:00.000Z' });
      for (const id of ['ou-nobody', 'nobody@example.com', 'ALICE', 'ou-a ']) await expect(queries.findUser(id)).rejects.toMatchObject({ code: 'directory.user_not_found' });
      await expect(queries.findUser('ou-a', 'second')).rejects.toMatchObject({ code: 'directory.user_not_found' });
    });

    it('answers directory.ambiguous when an email names users in several connections, and connection= chooses', async () => {
      const { database, queries } = await setUp();
      await seedDirectory(database, {
        users: [
          userRow({ open_id: 'ou-1', email: 'same@example.com' }),
          userRow({ connection: 'second', open_id: 'ou-2', email: 'Same@Example.com' }),
          userRow({ open_id: 'ou-3', email: 'twice@example.com' }),
          userRow({ open_id: 'ou-4', enterprise_email: 'twice@example.com' }),
        ],
      });
      await expect(queries.findUser('same@example.com')).rejects.toMatchObject({ code: 'directory.ambiguous', status: 409, message: expect.stringContaining('default, second') as string });
      expect((await queries.findUser('same@example.com', 'second')).open_id).toBe('ou-2');
      await expect(queries.findUser('twice@example.com')).rejects.toMatchObject({ code: 'directory.ambiguous' });
    });

    it('prefers the one current user when an email passed from a deleted user to a new one', async () => {
      const { database, queries } = await setUp();
      await seedDirectory(database, {
        users: [userRow({ open_id: 'ou-left', email: 'desk@example.com', state: 'deleted' }), userRow({ open_id: 'ou-new', email: 'desk@example.com', state: 'deactivated' })],
      });
      expect((await queries.findUser('desk@example.com')).open_id).toBe('ou-new');
    });
  });

  describe('departments and groups', () => {
    it('pages departments and nests them as a tree in Feishu order, deleted ones only when asked', async () => {
      const { database, queries } = await setUp();
      await seedOrganisation(database);
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await queries.listDepartments({ includeDeleted: false, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        ids.push(...page.items.map((item) => item.open_department_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined && ids.length < 100);
      expect(ids).toEqual(['od-a', 'od-a1', 'od-a1x', 'od-a2', 'od-b']);
      expect((await queries.listDepartments({ includeDeleted: true, limit: 10 })).items.map((item) => item.open_department_id)).toContain('od-gone');

      type Shape = { id: string; children: Shape[] };
      const shape = (nodes: readonly { open_department_id: string; children: readonly unknown[] }[]): Shape[] =>
        nodes.map((node) => ({ id: node.open_department_id, children: shape(node.children as typeof nodes) }));
      expect(shape(await queries.departmentTree({ includeDeleted: false }))).toEqual([
        { id: 'od-b', children: [] },
        {
          id: 'od-a',
          children: [
            { id: 'od-a2', children: [] },
            { id: 'od-a1', children: [{ id: 'od-a1x', children: [] }] },
          ],
        },
      ]);
      const withDeleted = await queries.departmentTree({ includeDeleted: true });
      expect(withDeleted[0]).toMatchObject({ open_department_id: 'od-b', children: [{ open_department_id: 'od-gone', status: 'deleted' }] });
      expect(await queries.departmentTree({ includeDeleted: false, connection: 'second' })).toEqual([]);
    });

    it('lists groups with their counts and pages their members; unknown and ambiguous ids have codes', async () => {
      const { database, queries } = await setUp();
      const member = (group_id: string, member_type: 'user' | 'department', member_id: string, connection = 'default') => ({ connection, tenant_key: '', group_id, member_type, member_id });
      await seedDirectory(database, {
        groups: [
          groupRow({ group_id: 'g-1', member_user_count: 3, member_department_count: 1 }),
          groupRow({ group_id: 'g-2', is_deleted: true, deleted_at: new Date('2025-01-01T00:00:00Z') }),
          groupRow({ group_id: 'g-3', type: 2 }),
          groupRow({ connection: 'second', group_id: 'g-3' }),
        ],
        members: [member('g-1', 'user', 'ou-c'), member('g-1', 'user', 'ou-a'), member('g-1', 'department', 'od-a'), member('g-1', 'user', 'ou-b'), member('g-3', 'user', 'ou-z', 'second')],
      });

      const groups = await queries.listGroups({ includeDeleted: false, limit: 10 });
      expect(groups.items.map((group) => [group.connection, group.group_id, group.type])).toEqual([
        ['default', 'g-1', 'normal'],
        ['default', 'g-3', 'dynamic'],
        ['second', 'g-3', 'normal'],
      ]);
      expect(groups.items[0]).toMatchObject({ member_user_count: 3, member_department_count: 1, status: 'active' });
      expect((await queries.listGroups({ includeDeleted: true, limit: 10 })).items.map((group) => group.group_id)).toContain('g-2');

      const members: unknown[] = [];
      let cursor: string | undefined;
      do {
        const page = await queries.listGroupMembers('g-1', { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        members.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined && members.length < 100);
      expect(members).toEqual([
        { member_type: 'department', open_department_id: 'od-a' },
        { member_type: 'user', open_id: 'ou-a' },
        { member_type: 'user', open_id: 'ou-b' },
        { member_type: 'user', open_id: 'ou-c' },
      ]);
      expect((await queries.listGroupMembers('g-1', { memberType: 'department', limit: 10 })).items).toEqual([{ member_type: 'department', open_department_id: 'od-a' }]);
      expect((await queries.listGroupMembers('g-3', { connection: 'second', limit: 10 })).items).toEqual([{ member_type: 'user', open_id: 'ou-z' }]);
      await expect(queries.listGroupMembers('g-3', { limit: 10 })).rejects.toMatchObject({ code: 'directory.ambiguous' });
      await expect(queries.listGroupMembers('g-none', { limit: 10 })).rejects.toMatchObject({ code: 'directory.group_not_found' });
    });
  });
});
