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

// Reverse indexes (open_id → user_id) per app and tenant. Users are never removed from
// `tenant.users` (deletion is a flag) and a Map keeps insertion order, so an index only needs the
// users added since it was last brought up to date — no rehashing of the whole tenant per hire.
type OpenIdIndex = { readonly byOpenId: Map<string, string>; indexed: number };
const openIdIndexes = new WeakMap<App, Map<string, OpenIdIndex>>();

/** Finds a user of `tenant` by an id of any family, as `app` knows it. Deleted users are returned too. */
export function findUser(app: App, tenant: Tenant, idType: UserIdType, id: string): User | undefined {
  if (idType === 'user_id') return tenant.users.get(id);
  if (idType === 'union_id') {
    const userId = tenant.usersByUnionId.get(id);
    return userId === undefined ? undefined : tenant.users.get(userId);
  }
  const userId = openIdIndex(app, tenant).byOpenId.get(id);
  return userId === undefined ? undefined : tenant.users.get(userId);
}

function openIdIndex(app: App, tenant: Tenant): OpenIdIndex {
  let byTenant = openIdIndexes.get(app);
  if (byTenant === undefined) openIdIndexes.set(app, (byTenant = new Map<string, OpenIdIndex>()));
  let index = byTenant.get(tenant.tenantKey);
  if (index === undefined) byTenant.set(tenant.tenantKey, (index = { byOpenId: new Map(), indexed: 0 }));
  if (index.indexed < tenant.users.size) {
    let position = 0;
    for (const userId of tenant.users.keys()) {
      if (position >= index.indexed) index.byOpenId.set(openIdOf(app, tenant.tenantKey, userId), userId);
      position += 1;
    }
    index.indexed = tenant.users.size;
  }
  return index;
}
