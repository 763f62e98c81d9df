import type { Generated } from 'kysely';

/** The directory's tables (migration 0006), for `Tables` in db/tables.ts. */
export type DirectoryTables = {
  directory_departments: DirectoryDepartmentsTable;
  directory_users: DirectoryUsersTable;
  directory_groups: DirectoryGroupsTable;
  directory_group_members: DirectoryGroupMembersTable;
  directory_employee_types: DirectoryEmployeeTypesTable;
  directory_changes: DirectoryChangesTable;
  directory_sync_runs: DirectorySyncRunsTable;
  directory_sync_tasks: DirectorySyncTasksTable;
};

type Versioned = {
  /** Epoch ms of the Feishu change the row reflects (bigint: pg returns it as a string). */
  version: string | number;
  seen_by_sync: string | number | null;
  updated_at: Generated<Date>;
};

export type DirectoryDepartmentsTable = Versioned & {
  connection: string;
  tenant_key: string;
  open_department_id: string;
  department_id: string | null;
  parent_open_department_id: string | null;
  name: string;
  i18n_name: unknown;
  display_order: string | null;
  leader_user_id: string | null;
  leaders: unknown;
  chat_id: string | null;
  member_count: number | null;
  is_deleted: Generated<boolean>;
  deleted_at: Date | null;
};

export type UserState = 'active' | 'deactivated' | 'deleted';

export type DirectoryUsersTable = Versioned & {
  connection: string;
  tenant_key: string;
  open_id: string;
  union_id: string | null;
  user_id: string | null;
  name: string;
  en_name: string | null;
  nickname: string | null;
  email: string | null;
  enterprise_email: string | null;
  mobile: string | null;
  avatar: unknown;
  status: unknown;
  state: UserState;
  employee_no: string | null;
  employee_type: number | null;
  job_title: string | null;
  leader_user_id: string | null;
  department_ids: string[];
  primary_department_id: string | null;
  orders: unknown;
  join_time: string | number | null;
  is_tenant_manager: boolean | null;
  deleted_at: Date | null;
};

export type DirectoryGroupsTable = Versioned & {
  connection: string;
  tenant_key: string;
  group_id: string;
  name: string;
  description: string | null;
  type: number | null;
  member_user_count: number | null;
  member_department_count: number | null;
  is_deleted: Generated<boolean>;
  deleted_at: Date | null;
};

export type DirectoryGroupMembersTable = {
  connection: string;
  tenant_key: string;
  group_id: string;
  member_type: 'user' | 'department';
  member_id: string;
};

export type DirectoryEmployeeTypesTable = {
  connection: string;
  tenant_key: string;
  enum_id: string;
  enum_value: number | null;
  content: string | null;
  enum_status: number | null;
  i18n_content: unknown;
  is_deleted: Generated<boolean>;
  version: string | number;
  updated_at: Generated<Date>;
};

export type DirectoryChangesTable = {
  id: Generated<string>;
  connection: string;
  tenant_key: string;
  entity: 'user' | 'department' | 'group';
  entity_id: string;
  kind: 'created' | 'updated' | 'deactivated' | 'deleted';
  changed_fields: string[];
  occurred_at: Date;
  source: 'event' | 'sync' | 'reconcile';
  recorded_at: Generated<Date>;
};

/** full: everything in scope, then what was not seen is deleted; reconcile: the same, changes tagged as repairs; partial: some targets (a scope change), no deletions. */
export type SyncRunKind = 'full' | 'reconcile' | 'partial';

export type DirectorySyncRunsTable = {
  id: Generated<string>;
  connection: string;
  tenant_key: string;
  kind: SyncRunKind;
  status: 'running' | 'done' | 'failed';
  requests: Generated<number>;
  counts: unknown;
  error: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
  leased_until: Date | null;
};

/** What a checkpointed step of a sync lists (see `run-sync-step.ts`). */
export type SyncTaskKind = 'scope' | 'department' | 'departments' | 'department_children' | 'users' | 'scope_users' | 'groups' | 'group_members';

export type DirectorySyncTasksTable = {
  run_id: string;
  task: SyncTaskKind;
  target: string;
  page_token: string | null;
  done: Generated<boolean>;
  pages: Generated<number>;
};
