import { createHash } from 'node:crypto';
import { normaliseMobile } from './normalise-mobile.ts';
import type { App, Tenant, User } from './types.ts';

export const USER_ID_TYPES = ['open_id', 'union_id', 'user_id'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];
export type DepartmentIdType = 'open_department_id' | 'department_id';
/** The families a user can be named by: the three id families, or an email or mobile number. */
export type UserIdFamily = UserIdType | 'email' | 'mobile';

const digest = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

// Computed open_ids per app and tenant: listing calls derive one or two per person returned, and
// a SHA-256 each was a noticeable share of a find_by_department page.
const openIds = new WeakMap<App, Map<string, Map<string, string>>>();

/** In Feishu an open_id identifies a user *to one app*: two apps see two different open_ids. */
export function openIdOf(app: App, tenantKey: string, userId: string): string {
  let byTenant = openIds.get(app);
  if (byTenant === undefined) openIds.set(app, (byTenant = new Map<string, Map<string, string>>()));
  let byUser = byTenant.get(tenantKey);
  if (byUser === undefined) byTenant.set(tenantKey, (byUser = new Map<string, string>()));
  let openId = byUser.get(userId);
  if (openId === undefined) byUser.set(userId, (openId = `ou_${digest(`open:${app.appId}:${tenantKey}:${userId}`, 32)}`));
  return openId;
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

/**
 * Whether a `user_id_type`-style parameter names a user id family. Callers default an absent
 * parameter to `open_id` and refuse a bad one with their API's own error.
 *
 * @example
 * const idType = c.req.query('user_id_type') ?? 'open_id';
 * if (!isUserIdType(idType)) throw paramError(`unsupported user id type ${idType}`);
 */
export function isUserIdType(value: string): value is UserIdType {
  return (USER_ID_TYPES as readonly string[]).includes(value);
}

// Reverse indexes (open_id → user_id) per app and tenant. Users are never removed from
// `tenant.users` (deletion is a flag) and a Map keeps insertion order, so an index only needs the
// users added since it was last brought up to date — no rehashing of the whole tenant per hire.
type OpenIdIndex = { readonly byOpenId: Map<string, string>; indexed: number };
const openIdIndexes = new WeakMap<App, Map<string, OpenIdIndex>>();

/**
 * Finds a user of `tenant` by an id of one family, as `app` knows it; an open_id matches nothing
 * without an app. Emails compare case-insensitively; mobiles are normalised first. Deleted users
 * are returned too (by user_id, union_id and open_id: the email and mobile indexes drop them).
 * To try several families or tenants, see `findUserByAnyId`.
 */
export function findUser(app: App | undefined, tenant: Tenant, family: UserIdFamily, id: string): User | undefined {
  let userId: string | undefined;
  if (family === 'user_id') userId = id;
  else if (family === 'union_id') userId = tenant.usersByUnionId.get(id);
  else if (family === 'email') userId = tenant.usersByEmail.get(id.toLowerCase());
  else if (family === 'mobile') userId = tenant.usersByMobile.get(normaliseMobile(id));
  else userId = app === undefined ? undefined : openIdIndex(app, tenant).byOpenId.get(id);
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
