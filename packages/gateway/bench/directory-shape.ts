import { hasFullScope } from '../../emulator/src/state/contact-scope.ts';
import { directoryIndex } from '../../emulator/src/state/directory-index.ts';
import type { App, Tenant } from '../../emulator/src/state/types.ts';

/** Feishu's largest page sizes (platform doc §6): children and users 50, scopes, groups and members 100, batches 50 ids. */
const PAGE = { children: 50, users: 50, scope: 100, groups: 100, members: 100, batch: 50 } as const;

/** What an app sees of a tenant's directory, and the fewest Open API calls that read all of it. */
export type DirectoryShape = {
  /** People the listings show (each once), departments below the granted ones (the root excluded), groups in scope. */
  readonly users: number;
  readonly departments: number;
  readonly groups: number;
  readonly groupMembers: number;
  readonly scopeEntries: number;
  /** Departments the scope names (with the whole company: the root's children). */
  readonly grantedDepartments: number;
  /** People the scope names directly (with the whole company: the root's direct members). */
  readonly grantedUsers: number;
  /** Departments whose subtree is larger than `maxRecursiveDepartments`: `fetch_child` answers 43010 there. */
  readonly tooBigToRecurse: number;
  readonly maxRecursiveDepartments: number;
  /** The largest number of direct members of one department. */
  readonly largestDepartment: number;
  /** The minimum, per API (named as the emulator counts them). */
  readonly minimum: Readonly<Record<string, number>>;
};

/**
 * The shape of the directory `app` sees in `tenant`, and the fewest calls a full sync needs,
 * knowing only what Feishu's answers tell it:
 *
 * - the scope: ⌈entries / 100⌉ pages of `scopes`;
 * - the granted departments' own records: ⌈n / 50⌉ `departments/batch` calls;
 * - each granted department's subtree: ⌈descendants / 50⌉ pages (at least 1) of `children` with
 *   `fetch_child`, or, where the subtree is larger than the emulator's threshold, the refused
 *   call (43010: nothing tells a client the size beforehand), ⌈children / 50⌉ pages (at least 1)
 *   of its direct children, and each child's subtree in the same way;
 * - every department's members: ⌈direct members / 50⌉ pages (at least 1) of `find_by_department`;
 * - people granted directly: ⌈n / 50⌉ `users/batch` calls;
 * - groups: ⌈groups of the type / 100⌉ pages (at least 1) of `group/simplelist` for each of the two
 *   types, and ⌈members / 100⌉ pages of `member/simplelist` per group and member type, none where
 *   the group's record already says it has no member of that type.
 */
export function directoryShape(app: App, tenant: Tenant, maxRecursiveDepartments: number): DirectoryShape {
  const index = directoryIndex(tenant);
  const scope = app.installations.get(tenant.tenantKey) ?? { departments: [], users: [], groups: [] };
  const full = hasFullScope(app, tenant);
  const live = (id: string) => tenant.departments.get(id)?.deleted === false;
  const granted = full ? index.children('0').map((department) => department.openDepartmentId) : scope.departments.filter(live);
  const grantedUsers = full ? index.members('0').map((user) => user.userId) : scope.users.filter((id) => tenant.users.get(id)?.deleted === false);
  const groups = [...tenant.groups.values()].filter((group) => full || scope.groups.includes(group.groupId));
  const pages = (count: number, size: number) => Math.ceil(count / size);
  const atLeastOne = (count: number, size: number) => Math.max(1, pages(count, size));

  // Every visible department, parents before children, then subtree sizes from the leaves up.
  const visible: string[] = [];
  for (let level = granted; level.length > 0; ) {
    visible.push(...level);
    level = level.flatMap((id) => index.children(id).map((child) => child.openDepartmentId));
  }
  const subtree = new Map<string, number>();
  for (const id of [...visible].reverse()) {
    subtree.set(id, index.children(id).reduce((sum, child) => sum + 1 + (subtree.get(child.openDepartmentId) ?? 0), 0));
  }

  let children = 0;
  let tooBig = 0;
  const list = (id: string): void => {
    const size = subtree.get(id) ?? 0;
    if (size <= maxRecursiveDepartments) {
      children += atLeastOne(size, PAGE.children);
      return;
    }
    tooBig += 1;
    const direct = index.children(id);
    children += 1 + atLeastOne(direct.length, PAGE.children);
    for (const child of direct) list(child.openDepartmentId);
  };
  for (const id of granted) list(id);

  const people = new Set<string>(grantedUsers);
  let memberPages = 0;
  let largestDepartment = 0;
  for (const id of visible) {
    const members = index.members(id);
    for (const user of members) people.add(user.userId);
    memberPages += atLeastOne(members.length, PAGE.users);
    largestDepartment = Math.max(largestDepartment, members.length);
  }

  let groupMembers = 0;
  let groupMemberPages = 0;
  for (const group of groups) {
    const users = [...group.memberUserIds].filter((id) => tenant.users.get(id)?.deleted === false).length;
    const departments = [...group.memberDepartmentIds].filter(live).length;
    groupMembers += users + departments;
    groupMemberPages += pages(users, PAGE.members) + pages(departments, PAGE.members);
  }
  const ofType = (type: 1 | 2) => groups.filter((group) => group.type === type).length;
  // With the whole company the scope lists the root's members, its children and every group.
  const scopeEntries = grantedUsers.length + granted.length + (full ? tenant.groups.size : groups.length);

  return {
    users: people.size,
    departments: visible.length,
    groups: groups.length,
    groupMembers,
    scopeEntries,
    grantedDepartments: granted.length,
    grantedUsers: grantedUsers.length,
    tooBigToRecurse: tooBig,
    maxRecursiveDepartments,
    largestDepartment,
    minimum: {
      'contact.v3.scope.list': atLeastOne(scopeEntries, PAGE.scope),
      'contact.v3.department.batch': pages(granted.length, PAGE.batch),
      'contact.v3.department.children': children,
      'contact.v3.user.find_by_department': memberPages,
      'contact.v3.user.batch': pages(grantedUsers.length, PAGE.batch),
      'contact.v3.group.simplelist': atLeastOne(ofType(1), PAGE.groups) + atLeastOne(ofType(2), PAGE.groups),
      'contact.v3.group_member.simplelist': groupMemberPages,
    },
  };
}
