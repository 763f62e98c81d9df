import { createHash } from 'node:crypto';
import type { App, Tenant, User } from './types.ts';

export type UserIdType = 'open_id' | 'union_id' | 'user_id';
export type DepartmentIdType = 'open_department_id' | 'department_id';

const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** In Feishu an open_id identifies a user *to one app*: two apps see two different open_ids. */
export function openIdOf(app: App, tenantKey: string, userId: string): string {
  return `ou_${digest(`open:${app.appId}:${tenantKey}:${userId}`, 32)}`;
}

/** union_id is the same for every app of one developer; the emulator has one developer. */
export function unionIdOf(tenantKey: string, userId: string): string {
  return `on_${digest(`union:${tenantKey}:${userId}`, 32)}`;
}

/** The id of `user` in the family the caller asked for. */
export function userIdAs(app: App, tenantKey: string, user: User, idType: UserIdType): string {
  if (idType === 'user_id') return user.userId;
  if (idType === 'union_id') return user.unionId;
  return openIdOf(app, tenantKey, user.userId);
}

// Reverse indexes (open_id → user_id) per app and tenant, built on first use and rebuilt when
// the tenant has gained users since.
const openIdIndexes = new WeakMap<App, Map<string, Map<string, string>>>();

/** Finds a user of `tenant` by an id of any family, as `app` knows it. Deleted users are returned too. */
export function findUser(app: App, tenant: Tenant, idType: UserIdType, id: string): User | undefined {
  if (idType === 'user_id') return tenant.users.get(id);
  if (idType === 'union_id') {
    const userId = tenant.usersByUnionId.get(id);
    return userId === undefined ? undefined : tenant.users.get(userId);
  }
  const userId = openIdIndex(app, tenant).get(id);
  return userId === undefined ? undefined : tenant.users.get(userId);
}

function openIdIndex(app: App, tenant: Tenant): Map<string, string> {
  let byTenant = openIdIndexes.get(app);
  if (byTenant === undefined) openIdIndexes.set(app, (byTenant = new Map<string, Map<string, string>>()));
  let index = byTenant.get(tenant.tenantKey);
  if (index === undefined || index.size < tenant.users.size) {
    index = new Map();
    for (const userId of tenant.users.keys()) index.set(openIdOf(app, tenant.tenantKey, userId), userId);
    byTenant.set(tenant.tenantKey, index);
  }
  return index;
}
