/**
 * The emulated Feishu world: apps, the tenants they are installed in, and each tenant's
 * directory, chats and messages. Plain mutable records; the routes read and change them and the
 * event emitter reports the changes to subscribed apps.
 */

export type AppType = 'self_built' | 'store';

export type DeliveryMode = 'http' | 'websocket';

export type App = {
  appId: string;
  appSecret: string;
  type: AppType;
  name: string;
  encryptKey: string | undefined;
  verificationToken: string;
  /** Where events are pushed in HTTP mode. */
  eventRequestUrl: string | undefined;
  /** Where card callbacks are sent in HTTP callback mode. */
  cardRequestUrl: string | undefined;
  /** OAuth redirect URLs allowed for this app, compared exactly. */
  redirectUrls: string[];
  subscribedEvents: Set<string>;
  /** Granted API and field scopes, e.g. `contact:user.email:readonly`. */
  scopes: Set<string>;
  /** How events reach the app: pushed to `eventRequestUrl`, or over a long connection (self-built only). */
  eventMode: DeliveryMode;
  /** How card callbacks reach the app; configured apart from events in Feishu's console too. */
  callbackMode: DeliveryMode;
  /** `v2`: `card.action.trigger` in the event envelope; `legacy`: the old flat body signed with SHA-1 (HTTP only). */
  cardCallbackStyle: 'v2' | 'legacy';
  /** Tenants the app is installed in, with the contact scope granted in each. */
  installations: Map<string, ContactScope>;
  /** The current app_ticket of a store app. */
  appTicket: string | undefined;
};

/** What part of a tenant's directory an app may read. `departments: ['0']` means everything. */
export type ContactScope = { departments: string[]; users: string[]; groups: string[] };

export type Tenant = {
  tenantKey: string;
  name: string;
  /** Email domain of its users. */
  domain: string;
  departments: Map<string, Department>;
  /** Children of each department (by open_department_id), in insertion order. */
  children: Map<string, Set<string>>;
  /** Direct members of each department. */
  members: Map<string, Set<string>>;
  users: Map<string, User>;
  usersByUnionId: Map<string, string>;
  usersByEmail: Map<string, string>;
  usersByMobile: Map<string, string>;
  groups: Map<string, Group>;
  /** Workforce types (人员类型) by enum_id: the five built-in ones and custom ones. */
  employeeTypeEnums: Map<string, EmployeeTypeEnum>;
  chats: Map<string, Chat>;
  /**
   * Bumped by every change to departments or users (`putDepartment`, `putUser`), so views derived
   * from them (sorted children, member lists, member counts) can be cached until the next change.
   */
  revision: number;
};

export type Department = {
  /** `od-…`; the root is `0`. */
  openDepartmentId: string;
  /** The tenant's own id for it (custom, reusable after deletion). */
  departmentId: string;
  name: string;
  enName: string;
  /** `0` for top-level departments; empty for the root. */
  parentId: string;
  leaderUserId: string | undefined;
  order: number;
  chatId: string | undefined;
  deleted: boolean;
};

export type UserStatus = { isFrozen: boolean; isResigned: boolean; isActivated: boolean; isExited: boolean; isUnjoin: boolean };

export type User = {
  /** Tenant-level user_id; open_id is derived per app. */
  userId: string;
  unionId: string;
  name: string;
  enName: string;
  nickname: string;
  email: string;
  enterpriseEmail: string;
  mobile: string;
  gender: 0 | 1 | 2 | 3;
  /** open_department_ids, the primary one first. */
  departmentIds: string[];
  leaderUserId: string | undefined;
  city: string;
  country: string;
  workStation: string;
  /** Unix seconds. */
  joinTime: number;
  isTenantManager: boolean;
  employeeNo: string;
  employeeType: number;
  jobTitle: string;
  status: UserStatus;
  deleted: boolean;
};

export type Group = {
  groupId: string;
  name: string;
  description: string;
  /** 1 normal, 2 dynamic. */
  type: 1 | 2;
  memberUserIds: Set<string>;
  memberDepartmentIds: Set<string>;
};

/** An option of the tenant's workforce type (人员类型); `enumValue` is what `employee_type` holds. */
export type EmployeeTypeEnum = {
  enumId: string;
  enumValue: string;
  content: string;
  /** 1 built-in, 2 custom. */
  enumType: 1 | 2;
  /** 1 active, 2 inactive. */
  enumStatus: 1 | 2;
  i18nContent: { locale: string; value: string }[];
};

export type Chat = {
  chatId: string;
  tenantKey: string;
  name: string;
  chatType: 'p2p' | 'group';
  memberUserIds: Set<string>;
  botAppIds: Set<string>;
};
