import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import type { Tenant } from '../src/state/types.ts';
import { openApi } from './support/sdk.ts';

type Page = { items?: { open_department_id?: string; open_id?: string; member_count?: number }[]; has_more: boolean; page_token?: string };

// The benchmark organisation of issue 7: 100,000 people in 5,000 departments. Throughput is
// measured by `npm run bench` (bench/bench-directory-listing.ts); this checks the shape.
describe('a 100,000-person tenant', () => {
  let emulator: Emulator;
  let tenant: Tenant;
  let token: string;

  const get = async (path: string) => {
    const answer = await openApi(emulator, 'GET', path, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body['data'] ?? {}) as Page;
  };
  const walk = async (path: string) => {
    const found: Page['items'] & object = [];
    let pages = 0;
    for (let pageToken: string | undefined = ''; pageToken !== undefined; ) {
      const page = await get(`${path}&page_size=50${pageToken === '' ? '' : `&page_token=${encodeURIComponent(pageToken)}`}`);
      found.push(...(page.items ?? []));
      pages += 1;
      pageToken = page.page_token;
    }
    return { found, pages };
  };

  beforeAll(async () => {
    const started = performance.now();
    emulator = await createEmulator({ seed: 42, users: 100_000, departments: 5_000, rateLimitMultiplier: 0 });
    // About 2 s on the development machine; far below this even on a busy one.
    expect(performance.now() - started).toBeLessThan(30_000);
    tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey)!;
    const { appId, appSecret } = emulator.defaultApp();
    token = (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } })).body['tenant_access_token'] as string;
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
  });

  it('holds every person and department', () => {
    expect(tenant.users.size).toBe(100_000);
    expect(tenant.departments.size).toBe(5_001);
  });

  it('pages the root\'s children and refuses to recurse from the root with 43010', async () => {
    const { found, pages } = await walk('/open-apis/contact/v3/departments/0/children?');
    const topLevel = [...tenant.departments.values()].filter((department) => department.parentId === '0');
    expect(found.map((item) => item.open_department_id).sort()).toEqual(topLevel.map((department) => department.openDepartmentId).sort());
    expect(pages).toBe(Math.ceil(topLevel.length / 50));
    const recursive = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0/children?fetch_child=true', { token });
    expect([recursive.status, recursive.body['code']]).toEqual([400, 43010]);
  });

  it('pages the department of more than 1,000 direct members at 50 a page', async () => {
    const [departmentId, members] = [...tenant.members.entries()].find(([, ids]) => ids.size > 1_000)!;
    const { found, pages } = await walk(`/open-apis/contact/v3/users/find_by_department?department_id=${departmentId}`);
    expect(new Set(found.map((item) => item.open_id)).size).toBe(members.size);
    expect(pages).toBe(Math.ceil(members.size / 50));
  });

  it('counts everyone under the root', async () => {
    const root = (await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token })).body['data'] as { department: { member_count: number } };
    expect(root.department.member_count).toBe(100_000);
  });
});
