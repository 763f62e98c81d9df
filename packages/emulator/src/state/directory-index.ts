import type { Department, Tenant, User } from './types.ts';

/**
 * Views of a tenant's directory that listing calls read on every request: live children in
 * display order, active direct members, live departments by custom id, and member counts over
 * whole subtrees. Each is built on first use and kept until the tenant's `revision` changes (any
 * `putUser` or `putDepartment`), so paging a 100,000-person org does not re-sort or re-filter it
 * per request.
 */
export type DirectoryIndex = {
  /** Live sub-departments of `openDepartmentId`, smallest `order` first. */
  children(openDepartmentId: string): readonly Department[];
  /** Direct members who have not resigned, in the order they joined the department. */
  members(openDepartmentId: string): readonly User[];
  /** A live department by its custom `department_id`. */
  byCustomId(departmentId: string): Department | undefined;
  /** People (not resigned) in the department or any of its sub-departments, each counted once. */
  memberCount(openDepartmentId: string): number;
  /** The same, counting only people whose primary department lies in the subtree. */
  primaryMemberCount(openDepartmentId: string): number;
};

type Cache = {
  revision: number;
  children: Map<string, Department[]>;
  members: Map<string, User[]>;
  byCustomId: Map<string, Department> | undefined;
  counts: { all: Map<string, number>; primary: Map<string, number> } | undefined;
};

const caches = new WeakMap<Tenant, Cache>();

/**
 * The tenant's index as of now.
 *
 * @example
 * const page = directoryIndex(tenant).children('0').slice(0, 50);
 */
export function directoryIndex(tenant: Tenant): DirectoryIndex {
  let cache = caches.get(tenant);
  if (cache?.revision !== tenant.revision) {
    cache = { revision: tenant.revision, children: new Map(), members: new Map(), byCustomId: undefined, counts: undefined };
    caches.set(tenant, cache);
  }
  const current = cache;
  return {
    children(openDepartmentId) {
      let found = current.children.get(openDepartmentId);
      if (found === undefined) {
        found = [...(tenant.children.get(openDepartmentId) ?? [])]
          .map((id) => tenant.departments.get(id))
          .filter((department): department is Department => department !== undefined && !department.deleted)
          .sort((a, b) => a.order - b.order);
        current.children.set(openDepartmentId, found);
      }
      return found;
    },
    members(openDepartmentId) {
      let found = current.members.get(openDepartmentId);
      if (found === undefined) {
        found = [...(tenant.members.get(openDepartmentId) ?? [])]
          .map((userId) => tenant.users.get(userId))
          .filter((user): user is User => user !== undefined && !user.deleted && !user.status.isResigned);
        current.members.set(openDepartmentId, found);
      }
      return found;
    },
    byCustomId(departmentId) {
      if (current.byCustomId === undefined) {
        current.byCustomId = new Map();
        for (const department of tenant.departments.values()) if (!department.deleted) current.byCustomId.set(department.departmentId, department);
      }
      return current.byCustomId.get(departmentId);
    },
    memberCount: (openDepartmentId) => (current.counts ??= countMembers(tenant)).all.get(openDepartmentId) ?? 0,
    primaryMemberCount: (openDepartmentId) => (current.counts ??= countMembers(tenant)).primary.get(openDepartmentId) ?? 0,
  };
}

/**
 * Feishu's `member_count` covers "the department and its sub-departments" (department/children
 * docs), so each person adds one to every department above each of theirs, once per department.
 */
function countMembers(tenant: Tenant): { all: Map<string, number>; primary: Map<string, number> } {
  const all = new Map<string, number>();
  const primary = new Map<string, number>();
  const ancestors = (openDepartmentId: string, into: Set<string>) => {
    for (let current = tenant.departments.get(openDepartmentId); current !== undefined; current = current.parentId === '' ? undefined : tenant.departments.get(current.parentId)) {
      if (into.has(current.openDepartmentId)) break;
      into.add(current.openDepartmentId);
    }
  };
  const reached = new Set<string>();
  for (const user of tenant.users.values()) {
    if (user.deleted || user.status.isResigned) continue;
    reached.clear();
    const [first] = user.departmentIds;
    if (first !== undefined) ancestors(first, reached);
    for (const id of reached) primary.set(id, (primary.get(id) ?? 0) + 1);
    for (const id of user.departmentIds.slice(1)) ancestors(id, reached);
    for (const id of reached) all.set(id, (all.get(id) ?? 0) + 1);
  }
  return { all, primary };
}
