import { unionIdOf } from '../state/ids.ts';
import type { Random } from '../state/random.ts';
import { createTenant, putDepartment, putUser } from '../state/tenant.ts';
import type { Tenant, User } from '../state/types.ts';
import { cities, departmentNames, givenNames, jobTitles, surnames } from './names.ts';

export type GenerateOrgOptions = {
  readonly random: Random;
  readonly tenantKey: string;
  readonly name: string;
  readonly domain: string;
  readonly users: number;
  readonly departments: number;
  /** Emulated now, in ms; join times lie before it. */
  readonly now: number;
};

const maxDepth = 10;
/** Above this many users, one department gets more than 1,000 direct members (Feishu's big-department case). */
export const BIG_DEPARTMENT_THRESHOLD = 1_100;
const employeeTypes = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 5] as const;

/**
 * Generates a realistic organisation, the same for the same seed: a department tree up to ten
 * levels deep, people with Chinese and English names, unique emails and mobiles, employee types,
 * leaders, some people in two departments, user groups, and (for large orgs) one department with
 * more than 1,000 direct members.
 */
export function generateOrg(options: GenerateOrgOptions): Tenant {
  const { random } = options;
  const tenant = createTenant({ tenantKey: options.tenantKey, name: options.name, domain: options.domain });
  const departmentIds: string[] = [];
  // Departments that can still take children without exceeding the maximum depth.
  const openParents: string[] = [];
  const depths = new Map<string, number>([['0', 0]]);

  for (let index = 0; index < options.departments; index += 1) {
    // The first ten form a chain so the tree always reaches the maximum depth; the rest attach
    // to random shallower departments, which keeps the tree bushy near the top, as real ones are.
    let parentId = '0';
    if (index > 0 && index < maxDepth) parentId = departmentIds[index - 1] ?? '0';
    else if (index >= maxDepth) parentId = random.chance(0.25) || openParents.length === 0 ? '0' : random.pick(openParents);
    const [zh, en] = random.pick(departmentNames);
    const openDepartmentId = `od-${random.hex(32)}`;
    putDepartment(tenant, {
      openDepartmentId,
      departmentId: `D${String(index + 1).padStart(5, '0')}`,
      name: `${zh}${index >= departmentNames.length ? String(Math.floor(index / departmentNames.length) + 1) : ''}`,
      enName: `${en}${index >= departmentNames.length ? ` ${Math.floor(index / departmentNames.length) + 1}` : ''}`,
      parentId,
      leaderUserId: undefined,
      order: (index + 1) * 1000,
      chatId: undefined,
      deleted: false,
    });
    departmentIds.push(openDepartmentId);
    const depth = (depths.get(parentId) ?? 0) + 1;
    depths.set(openDepartmentId, depth);
    if (depth < maxDepth) openParents.push(openDepartmentId);
  }

  const bigDepartment = options.users > BIG_DEPARTMENT_THRESHOLD ? departmentIds.find((id) => tenant.departments.get(id)?.parentId === '0') : undefined;
  const usedUserIds = new Set<string>();
  const usedMobiles = new Set<string>();
  // How many people already have each email local part, so the next one gets a numbered suffix.
  const emailCounts = new Map<string, number>();

  for (let index = 0; index < options.users; index += 1) {
    const [surnameZh, surnameEn] = random.pick(surnames);
    const [givenZh, givenEn] = random.pick(givenNames);
    let userId = random.hex(8);
    while (usedUserIds.has(userId)) userId = random.hex(8);
    usedUserIds.add(userId);
    let mobile = `+861${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
    while (usedMobiles.has(mobile)) mobile = `+861${random.pick(['3', '5', '8'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
    usedMobiles.add(mobile);
    const localPart = `${givenEn}.${surnameEn}`.toLowerCase();
    const seen = emailCounts.get(localPart) ?? 0;
    emailCounts.set(localPart, seen + 1);
    const email = `${localPart}${seen === 0 ? '' : String(seen + 1)}@${options.domain}`;

    let primary: string;
    if (bigDepartment !== undefined && index < BIG_DEPARTMENT_THRESHOLD) primary = bigDepartment;
    else if (departmentIds.length === 0 || random.chance(0.03)) primary = '0';
    else primary = random.pick(departmentIds);
    const departments = [primary];
    if (departmentIds.length > 1 && random.chance(0.1)) {
      const second = random.pick(departmentIds);
      if (second !== primary) departments.push(second);
    }

    const user: User = {
      userId,
      unionId: unionIdOf(options.tenantKey, userId),
      name: `${surnameZh}${givenZh}`,
      enName: `${givenEn} ${surnameEn}`,
      nickname: '',
      email,
      enterpriseEmail: '',
      mobile,
      gender: random.pick([1, 2] as const),
      departmentIds: departments,
      leaderUserId: undefined,
      city: random.pick(cities),
      country: 'CN',
      workStation: '',
      joinTime: Math.floor(options.now / 1000) - random.int(1, 3_650) * 86_400,
      isTenantManager: index === 0,
      employeeNo: `E${String(index + 1).padStart(6, '0')}`,
      employeeType: random.pick(employeeTypes),
      jobTitle: random.pick(jobTitles),
      status: { isFrozen: false, isResigned: false, isActivated: true, isExited: false, isUnjoin: false },
      deleted: false,
    };
    putUser(tenant, user);
  }

  // Leaders: one member of each department leads it; people report to their department's
  // leader, or to the parent department's leader when they lead it themselves.
  for (const department of tenant.departments.values()) {
    const members = [...(tenant.members.get(department.openDepartmentId) ?? [])];
    if (members.length > 0) department.leaderUserId = random.pick(members);
  }
  for (const user of tenant.users.values()) {
    let departmentId: string | undefined = user.departmentIds[0];
    while (departmentId !== undefined && departmentId !== '') {
      const department = tenant.departments.get(departmentId);
      if (department?.leaderUserId !== undefined && department.leaderUserId !== user.userId) {
        user.leaderUserId = department.leaderUserId;
        break;
      }
      departmentId = department?.parentId;
    }
  }

  const userIds = [...tenant.users.keys()];
  const groupCount = Math.max(1, Math.ceil(options.departments / 5));
  for (let index = 0; index < groupCount && userIds.length > 0; index += 1) {
    const memberUserIds = new Set<string>();
    const size = Math.min(userIds.length, random.int(3, 30));
    while (memberUserIds.size < size) memberUserIds.add(random.pick(userIds));
    const memberDepartmentIds = new Set<string>(departmentIds.length > 0 && random.chance(0.5) ? [random.pick(departmentIds)] : []);
    const groupId = random.hex(16);
    tenant.groups.set(groupId, { groupId, name: `Group ${index + 1}`, description: `Generated user group ${index + 1}`, type: 1, memberUserIds, memberDepartmentIds });
  }
  return tenant;
}
