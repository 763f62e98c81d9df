import type { EmulatorState } from './emulator-state.ts';
import { findUser, type UserIdFamily } from './ids.ts';
import type { App, Tenant, User } from './types.ts';

/**
 * Who reads an open_id: one app (whether or not it is installed in the tenant searched), or a
 * list of apps of which those installed in that tenant count. Without any, open_ids match nothing.
 */
export type OpenIdReaders = App | readonly App[] | undefined;

/**
 * Finds a user named by an id of any of `families`, tried in the order given; the first match
 * wins. Deleted users are returned too: callers decide what a deleted or resigned user means.
 *
 * - In one tenant: `findUserByAnyId(tenant, app, id, families)` returns the user. Pass a list of
 *   apps (e.g. every app) to accept the open_id any app installed in the tenant knows.
 * - Across tenants: `findUserByAnyId(state, app, id, families)` searches the tenants `app` is
 *   installed in (every tenant when `app` is undefined; then open_ids are those of any installed
 *   app) and returns the first tenant with a match, with the user.
 *
 * @example
 * findUserByAnyId(tenant, undefined, 'zhang.san@example.com', ['user_id', 'email']);
 * findUserByAnyId(state, undefined, 'ou_3f…', ['user_id', 'email', 'union_id', 'open_id']); // { tenant, user }
 */
export function findUserByAnyId(tenant: Tenant, readers: OpenIdReaders, id: string, families: readonly UserIdFamily[]): User | undefined;
export function findUserByAnyId(state: EmulatorState, app: App | undefined, id: string, families: readonly UserIdFamily[]): { tenant: Tenant; user: User } | undefined;
export function findUserByAnyId(where: EmulatorState | Tenant, readers: OpenIdReaders, id: string, families: readonly UserIdFamily[]): User | { tenant: Tenant; user: User } | undefined {
  if ('tenantKey' in where) return findInTenant(where, readers, id, families);
  const app = isAppList(readers) ? undefined : readers;
  const tenantKeys = app === undefined ? where.tenants.keys() : app.installations.keys();
  const openIdReaders = app ?? [...where.apps.values()];
  for (const tenantKey of tenantKeys) {
    const tenant = where.tenants.get(tenantKey);
    const user = tenant === undefined ? undefined : findInTenant(tenant, openIdReaders, id, families);
    if (tenant !== undefined && user !== undefined) return { tenant, user };
  }
  return undefined;
}

function findInTenant(tenant: Tenant, readers: OpenIdReaders, id: string, families: readonly UserIdFamily[]): User | undefined {
  for (const family of families) {
    const user = family === 'open_id' ? findByOpenId(tenant, readers, id) : findUser(undefined, tenant, family, id);
    if (user !== undefined) return user;
  }
  return undefined;
}

function findByOpenId(tenant: Tenant, readers: OpenIdReaders, id: string): User | undefined {
  // Every open_id starts with `ou_`; skipping others spares building an app's open_id index.
  if (readers === undefined || !id.startsWith('ou_')) return undefined;
  if (!isAppList(readers)) return findUser(readers, tenant, 'open_id', id);
  for (const app of readers) {
    const user = app.installations.has(tenant.tenantKey) ? findUser(app, tenant, 'open_id', id) : undefined;
    if (user !== undefined) return user;
  }
  return undefined;
}

function isAppList(readers: OpenIdReaders): readers is readonly App[] {
  return Array.isArray(readers);
}
