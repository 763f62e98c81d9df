import { z } from 'zod';
import type { DepartmentView, GroupView, UserView } from './entity-views.ts';

// The served representations (entity-views.ts) as zod schemas, for the OpenAPI document. The
// type checks at the bottom fail to compile when a view gains, loses or retypes a field without
// its schema following, and the API tests parse every served item with these strict schemas.

const nullableText = z.string().nullable();

export const userViewSchema = z.strictObject({
  open_id: z.string(),
  union_id: nullableText,
  user_id: nullableText,
  name: z.string(),
  en_name: nullableText,
  nickname: nullableText,
  email: nullableText,
  enterprise_email: nullableText,
  mobile: nullableText,
  avatar: z.record(z.string(), z.string()).nullable().meta({ description: 'Avatar URLs by size (avatar_72, avatar_240, avatar_640, avatar_origin).' }),
  status: z.enum(['active', 'deactivated', 'deleted']).meta({ description: 'deactivated: resigned, frozen or left the tenant (still resolvable); deleted: gone from Feishu or from the app\'s contact scope.' }),
  status_flags: z.record(z.string(), z.boolean()).nullable().meta({ description: 'Feishu\'s status flags as received (is_frozen, is_resigned, is_activated, is_exited, is_unjoin).' }),
  employee_no: nullableText,
  employee_type: z.number().nullable(),
  job_title: nullableText,
  leader_open_id: nullableText,
  departments: z.array(
    z.strictObject({
      open_department_id: z.string(),
      is_primary: z.boolean(),
      user_order: z.number().nullable(),
      department_order: z.number().nullable(),
    }),
  ),
  join_time: z.number().nullable().meta({ description: 'Seconds since the epoch, as Feishu gives it.' }),
  is_tenant_manager: z.boolean().nullable(),
  connection: z.string(),
  tenant_key: z.string(),
  deleted_at: z.iso.datetime().nullable(),
});

export const departmentViewSchema = z.strictObject({
  open_department_id: z.string(),
  department_id: nullableText,
  parent_open_department_id: nullableText.meta({ description: '`0` for a top-level department.' }),
  name: z.string(),
  i18n_name: z.record(z.string(), z.string()).nullable(),
  order: nullableText,
  leader_open_id: nullableText,
  leaders: z.array(z.strictObject({ open_id: nullableText, type: z.enum(['main', 'deputy']) })),
  chat_id: nullableText,
  member_count: z.number().nullable(),
  status: z.enum(['active', 'deleted']),
  connection: z.string(),
  tenant_key: z.string(),
  deleted_at: z.iso.datetime().nullable(),
});

export const groupViewSchema = z.strictObject({
  group_id: z.string(),
  name: z.string(),
  description: nullableText,
  type: z.enum(['normal', 'dynamic']),
  member_user_count: z.number().nullable().meta({ description: 'As Feishu counts them.' }),
  member_department_count: z.number().nullable(),
  status: z.enum(['active', 'deleted']),
  connection: z.string(),
  tenant_key: z.string(),
  deleted_at: z.iso.datetime().nullable(),
});

/** A department of `format=tree`: the department and, nested, the departments under it. */
export type DepartmentNode = DepartmentView & { children: DepartmentNode[] };

export const departmentNodeSchema = departmentViewSchema.extend({
  get children() {
    return z.array(departmentNodeSchema);
  },
});

export const groupMemberSchema = z.discriminatedUnion('member_type', [
  z.strictObject({ member_type: z.literal('user'), open_id: z.string() }),
  z.strictObject({ member_type: z.literal('department'), open_department_id: z.string() }),
]);

export type GroupMember = z.output<typeof groupMemberSchema>;

/** A page of a list: `next_cursor` is null on the last one. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.strictObject({ items: z.array(item), next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }) });
}

type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
type Fits<Schema extends z.ZodType, View> = [z.output<Schema>] extends [View] ? SameKeys<z.output<Schema>, View> : false;
const checks: [Fits<typeof userViewSchema, UserView>, Fits<typeof departmentViewSchema, DepartmentView>, Fits<typeof groupViewSchema, GroupView>] = [true, true, true];
void checks;
