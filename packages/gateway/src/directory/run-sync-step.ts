import * as lark from '@larksuiteoapi/node-sdk';
import { sql } from 'kysely';
import type { Database, DbTransaction } from '../db/index.ts';
import { FeishuApiError } from '../feishu/index.ts';
import type { Logger } from '../log/index.ts';
import type { DirectoryChangeListener } from './directory-change.ts';
import type { SyncTaskKind } from './directory-tables.ts';
import { departmentRowOf, groupRowOf, userRowOf, type DirectoryScope } from './entity-rows.ts';
import { departmentSpec, groupSpec, userSpec } from './entity-specs.ts';
import { feishuDepartment, feishuGroup, feishuUser } from './feishu-contact.ts';
import { sweepUnseen } from './sweep-unseen.ts';
import { writeEntities, type WriteContext } from './write-entities.ts';

export type SyncDeps = {
  readonly database: Database;
  readonly client: (connection: string) => lark.Client;
  readonly listeners: readonly DirectoryChangeListener[];
  readonly logger: Logger;
  /** Pages fetched at once; the rate governor paces them. */
  readonly concurrency: number;
};

type Task = { readonly task: SyncTaskKind; readonly target: string; readonly pageToken: string | null };
type NewTask = { readonly task: SyncTaskKind; readonly target: string };
type Page = { readonly items: Record<string, unknown>[]; readonly nextPageToken: string | undefined; readonly data: Record<string, unknown> };

/** Feishu's largest page sizes for each listing (platform doc §6). */
const PAGE = { departments: 50, users: 50, scope: 100, groups: 100, members: 100, batch: 50 } as const;
/** Feishu: "big department forbids recursion" — list its direct children and recurse ourselves. */
const TOO_BIG_TO_RECURSE = 43010;

/**
 * Works on a sync run until it is finished or `budgetMs` has passed: takes the run's unfinished
 * tasks (checkpoints), fetches one page of each — up to `concurrency` at once — and commits each
 * page's entities together with its task's next page token and the tasks it found. A process
 * killed at any point resumes from the last committed page: at most the pages in flight are
 * fetched twice. When no task is left, a full run marks what it did not see as deleted.
 *
 * @returns `done` when the run is finished, `more` when the budget ran out first.
 */
export async function runSyncStep(deps: SyncDeps, runId: string, budgetMs: number, leaseMs: number): Promise<'done' | 'more' | 'held'> {
  const { kysely } = deps.database;
  // One step at a time per run: a second step (a duplicate job, a killed step's retry before its
  // lease ran out) leaves it to the holder.
  const run = await kysely
    .updateTable('directory_sync_runs')
    .set({ leased_until: new Date(Date.now() + leaseMs) })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', new Date())]))
    .returningAll()
    .executeTakeFirst();
  if (run === undefined) {
    const current = await kysely.selectFrom('directory_sync_runs').select('status').where('id', '=', runId).executeTakeFirst();
    return current?.status === 'running' ? 'held' : 'done';
  }
  const scope: DirectoryScope = { connection: run.connection, tenantKey: run.tenant_key };
  const source = run.kind === 'reconcile' ? 'reconcile' : 'sync';
  const deadline = Date.now() + budgetMs;
  const inFlight = new Map<string, Promise<void>>();
  // When each task's last page settled, to drop tasks read before that (their page token is old).
  const settledAt = new Map<string, number>();
  let settled = 0;
  let failure: Error | undefined;
  await analyze(deps.database);

  try {
    for (;;) {
      if (failure !== undefined) break;
      if (Date.now() < deadline && inFlight.size < deps.concurrency) {
        const readAt = settled;
        const tasks = await nextTasks(deps.database, runId, deps.concurrency + inFlight.size);
        const fresh = tasks
          .filter((task) => !inFlight.has(taskKey(task.task, task.target)) && (settledAt.get(taskKey(task.task, task.target)) ?? -1) < readAt)
          .slice(0, deps.concurrency - inFlight.size);
        for (const task of fresh) {
          const key = taskKey(task.task, task.target);
          const work = runPage(deps, runId, scope, source, { task: task.task, target: task.target, pageToken: task.page_token })
            .catch((error: unknown) => {
              failure ??= error instanceof Error ? error : new Error(String(error));
            })
            .finally(() => {
              settled += 1;
              settledAt.set(key, settled);
              inFlight.delete(key);
            });
          inFlight.set(key, work);
        }
        if (fresh.length > 0) continue;
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    await Promise.all(inFlight.values());
    if (failure !== undefined) throw failure;

    // Finished only if no task is left once the run is locked: a scope change may be adding some.
    const finished = await kysely.transaction().execute(async (transaction) => {
      // Read again under the lock: a partial run may have been made a full one meanwhile.
      const { kind } = await transaction.selectFrom('directory_sync_runs').select('kind').where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
      const left = await transaction.selectFrom('directory_sync_tasks').select((eb) => eb.fn.countAll().as('count')).where('run_id', '=', runId).where('done', '=', false).executeTakeFirstOrThrow();
      if (Number(left.count) > 0) return false;
      // A partial run (a scope change) saw only what it was sent to fetch.
      const swept = kind === 'partial' ? 0 : await sweepUnseen(transaction, { scope, runId, since: run.started_at, source: kind === 'reconcile' ? 'reconcile' : 'sync', listeners: deps.listeners });
      const pages = await transaction.selectFrom('directory_sync_tasks').select((eb) => eb.fn.sum<string>('pages').as('pages')).where('run_id', '=', runId).executeTakeFirstOrThrow();
      await transaction
        .updateTable('directory_sync_runs')
        .set({ status: 'done', finished_at: new Date(), leased_until: null, requests: Number(pages.pages ?? 0), counts: JSON.stringify({ deleted: swept }) })
        .where('id', '=', runId)
        .execute();
      return true;
    });
    if (!finished) return 'more';
    deps.logger.info({ connection: scope.connection, runId, kind: run.kind }, 'directory sync finished');
    return 'done';
  } finally {
    await kysely.updateTable('directory_sync_runs').set({ leased_until: null }).where('id', '=', runId).where('status', '=', 'running').execute();
  }
}

/**
 * The run's next unfinished tasks, the kinds interleaved (each kind's first, then each kind's
 * second, …) with people first: each API has its own rate budget, so fetching from all of them
 * at once is what brings the run close to its slowest API's floor.
 */
async function nextTasks(database: Database, runId: string, limit: number): Promise<{ task: SyncTaskKind; target: string; page_token: string | null }[]> {
  const result = await sql<{ task: SyncTaskKind; target: string; page_token: string | null }>`
    select task, target, page_token from (
      select task, target, page_token, row_number() over (partition by task order by target) as turn
      from directory_sync_tasks where run_id = ${runId} and not done
    ) as waiting
    order by turn, case task when 'users' then 0 when 'scope_users' then 1 when 'departments' then 2 when 'department_children' then 3 else 4 end, task
    limit ${limit}`.execute(database.kysely);
  return result.rows;
}

/** Fresh planner statistics: the tables grow from nothing during a first sync, and autovacuum may be off or late. */
async function analyze(database: Database): Promise<void> {
  await sql`analyze directory_users, directory_departments, directory_groups, directory_group_members`.execute(database.kysely);
}

/** Fetches one page of a task and commits it with the checkpoint. */
async function runPage(deps: SyncDeps, runId: string, scope: DirectoryScope, source: 'sync' | 'reconcile', task: Task): Promise<void> {
  const version = Date.now();
  const context: WriteContext = { scope, version, source, syncRun: runId, listeners: deps.listeners };
  const get = async (url: string, params: Record<string, string | number | boolean | string[] | undefined>): Promise<Page> => await fetchPage(deps, scope, url, params);
  let page: Page;
  let write: (transaction: DbTransaction) => Promise<NewTask[]> = async () => [];
  switch (task.task) {
    case 'scope': {
      page = await get('/open-apis/contact/v3/scopes', { page_size: PAGE.scope, page_token: task.pageToken ?? undefined, user_id_type: 'open_id', department_id_type: 'open_department_id' });
      const departments = strings(page.data['department_ids']);
      const users = strings(page.data['user_ids']);
      write = async () => [
        // The whole company ("0") or a granted department: its subtree and everyone in them, and
        // the granted departments themselves, fetched 50 at a time.
        ...departments.flatMap((id): NewTask[] => [{ task: 'departments', target: id }, { task: 'users', target: id }]),
        ...chunks(departments.filter((id) => id !== '0'), PAGE.batch).map((ids): NewTask => ({ task: 'department', target: ids.join(',') })),
        ...chunks(users, PAGE.batch).map((ids): NewTask => ({ task: 'scope_users', target: ids.join(',') })),
        ...(task.pageToken === null ? [{ task: 'groups' as const, target: '1' }, { task: 'groups' as const, target: '2' }] : []),
      ];
      break;
    }
    case 'department': {
      page = await get('/open-apis/contact/v3/departments/batch', { department_ids: task.target.split(','), department_id_type: 'open_department_id', user_id_type: 'open_id' });
      const items = page.items;
      write = async (transaction) => {
        await writeEntities(departmentSpec, transaction, parsedRows(deps, items, feishuDepartment, (item) => departmentRowOf(scope, item, version)), context);
        return [];
      };
      break;
    }
    case 'departments':
    case 'department_children': {
      const recursive = task.task === 'departments';
      try {
        page = await get(`/open-apis/contact/v3/departments/${encodeURIComponent(task.target)}/children`, {
          fetch_child: recursive,
          page_size: PAGE.departments,
          page_token: task.pageToken ?? undefined,
          department_id_type: 'open_department_id',
          user_id_type: 'open_id',
        });
      } catch (error) {
        if (!(recursive && error instanceof FeishuApiError && error.feishu.code === TOO_BIG_TO_RECURSE)) throw error;
        // Too big to list in one go: walk it a level at a time from here.
        await checkpoint(deps, runId, task, undefined, [{ task: 'department_children', target: task.target }], async () => undefined);
        return;
      }
      const items = page.items;
      write = async (transaction) => {
        await writeEntities(departmentSpec, transaction, parsedRows(deps, items, feishuDepartment, (item) => departmentRowOf(scope, item, version)), context);
        const ids = items.map((item) => String(item['open_department_id']));
        // Listed recursively, every department found still needs its members; listed a level at a
        // time, each child is a subtree of its own to list (recursively again, if it is small enough).
        return ids.flatMap((id): NewTask[] => (recursive ? [{ task: 'users', target: id }] : [{ task: 'departments', target: id }, { task: 'users', target: id }]));
      };
      break;
    }
    case 'users': {
      page = await get('/open-apis/contact/v3/users/find_by_department', { department_id: task.target, page_size: PAGE.users, page_token: task.pageToken ?? undefined, department_id_type: 'open_department_id', user_id_type: 'open_id' });
      const items = page.items;
      write = async (transaction) => {
        await writeEntities(userSpec, transaction, parsedRows(deps, items, feishuUser, (item) => userRowOf(scope, item, version)), context);
        return [];
      };
      break;
    }
    case 'scope_users': {
      page = await get('/open-apis/contact/v3/users/batch', { user_ids: task.target.split(','), user_id_type: 'open_id', department_id_type: 'open_department_id' });
      const items = page.items;
      write = async (transaction) => {
        await writeEntities(userSpec, transaction, parsedRows(deps, items, feishuUser, (item) => userRowOf(scope, item, version)), context);
        return [];
      };
      break;
    }
    case 'groups': {
      page = await get('/open-apis/contact/v3/group/simplelist', { type: Number(task.target), page_size: PAGE.groups, page_token: task.pageToken ?? undefined });
      const groups = arrayOf(page.data['grouplist']);
      write = async (transaction) => {
        await writeEntities(groupSpec, transaction, parsedRows(deps, groups, feishuGroup, (item) => groupRowOf(scope, item, version)), context);
        // A member list Feishu says is empty is not fetched (an absent count is).
        return groups.flatMap((group): NewTask[] => [
          ...(group['member_user_count'] === 0 ? [] : [{ task: 'group_members' as const, target: `user:${String(group['id'])}` }]),
          ...(group['member_department_count'] === 0 ? [] : [{ task: 'group_members' as const, target: `department:${String(group['id'])}` }]),
        ]);
      };
      break;
    }
    case 'group_members': {
      const [memberType, groupId = ''] = splitOnce(task.target, ':');
      page = await get(`/open-apis/contact/v3/group/${encodeURIComponent(groupId)}/member/simplelist`, {
        member_type: memberType,
        member_id_type: memberType === 'department' ? 'open_department_id' : 'open_id',
        page_size: PAGE.members,
        page_token: task.pageToken ?? undefined,
      });
      const members = arrayOf(page.data['memberlist']).map((member) => String(member['member_id']));
      write = async (transaction) => {
        const where = { connection: scope.connection, tenant_key: scope.tenantKey, group_id: groupId, member_type: memberType as 'user' | 'department' };
        // The first page starts the group's membership afresh; later pages add to it.
        if (task.pageToken === null) {
          await transaction.deleteFrom('directory_group_members').where('connection', '=', where.connection).where('tenant_key', '=', where.tenant_key).where('group_id', '=', groupId).where('member_type', '=', where.member_type).execute();
        }
        if (members.length > 0) await transaction.insertInto('directory_group_members').values(members.map((member_id) => ({ ...where, member_id }))).onConflict((conflict) => conflict.doNothing()).execute();
        return [];
      };
      break;
    }
  }
  await checkpoint(deps, runId, task, page.nextPageToken, [], write);
}

/** Commits a page: its writes, the tasks it found, and the task's next page token or its end, and counts the request. */
async function checkpoint(deps: SyncDeps, runId: string, task: Task, nextPageToken: string | undefined, extra: readonly NewTask[], write: (transaction: DbTransaction) => Promise<NewTask[] | undefined>, pagesFetched = 1): Promise<void> {
  await deps.database.kysely.transaction().execute(async (transaction) => {
    const found = [...extra, ...((await write(transaction)) ?? [])];
    if (found.length > 0) {
      await transaction
        .insertInto('directory_sync_tasks')
        .values(found.map((next) => ({ run_id: runId, task: next.task, target: next.target, page_token: null })))
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    await transaction
      .updateTable('directory_sync_tasks')
      .set({ ...(nextPageToken === undefined ? { done: true } : { page_token: nextPageToken }), pages: sql`pages + ${pagesFetched}` })
      .where('run_id', '=', runId)
      .where('task', '=', task.task)
      .where('target', '=', task.target)
      .execute();
  });
}

async function fetchPage(deps: SyncDeps, scope: DirectoryScope, url: string, params: Record<string, unknown>): Promise<Page> {
  const defined = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
  const options = scope.tenantKey === '' ? undefined : lark.withTenantKey(scope.tenantKey);
  const answer = await deps.client(scope.connection).request<{ data?: Record<string, unknown> }>({ method: 'GET', url, params: defined }, options);
  const data = answer.data ?? {};
  const more = data['has_more'] === true && typeof data['page_token'] === 'string' && data['page_token'] !== '';
  return { items: arrayOf(data['items']), nextPageToken: more ? (data['page_token'] as string) : undefined, data };
}

/**
 * Rows for the items that parse. One item Feishu sends in an unexpected shape is skipped with a
 * warning instead of failing its page forever (the run would never end); the next sync retries it.
 */
function parsedRows<T>(deps: SyncDeps, items: readonly unknown[], schema: { safeParse(item: unknown): { success: true; data: T } | { success: false } }, rowOf: (item: T) => Record<string, unknown>): { row: Record<string, unknown>; deleted: boolean }[] {
  const rows: { row: Record<string, unknown>; deleted: boolean }[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      deps.logger.warn({ kind: typeof item }, 'directory sync skipped an item it could not read');
      continue;
    }
    const row = rowOf(parsed.data);
    rows.push({ row, deleted: row['is_deleted'] === true });
  }
  return rows;
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function taskKey(task: string, target: string): string {
  return `${task}\u0000${target}`;
}
