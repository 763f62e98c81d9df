import { z } from 'zod';

// Feishu's contact objects as the gateway reads them (platform doc §6). Every field is optional:
// fields the app has no field scope for are simply absent, and the same objects arrive from the
// API and, partly, in contact events. Unknown fields are ignored.

const status = z.object({
  is_frozen: z.boolean().optional(),
  is_resigned: z.boolean().optional(),
  is_activated: z.boolean().optional(),
  is_exited: z.boolean().optional(),
  is_unjoin: z.boolean().optional(),
});

export const feishuUser = z.object({
  open_id: z.string().min(1),
  union_id: z.string().optional(),
  user_id: z.string().optional(),
  name: z.string().optional(),
  en_name: z.string().optional(),
  nickname: z.string().optional(),
  email: z.string().optional(),
  enterprise_email: z.string().optional(),
  mobile: z.string().optional(),
  avatar: z.record(z.string(), z.string()).optional(),
  status: status.optional(),
  department_ids: z.array(z.string()).optional(),
  leader_user_id: z.string().optional(),
  join_time: z.number().optional(),
  is_tenant_manager: z.boolean().optional(),
  employee_no: z.string().optional(),
  employee_type: z.number().optional(),
  job_title: z.string().optional(),
  orders: z
    .array(z.object({ department_id: z.string().optional(), user_order: z.number().optional(), department_order: z.number().optional(), is_primary_dept: z.boolean().optional() }))
    .optional(),
});
export type FeishuUser = z.infer<typeof feishuUser>;

export const feishuDepartment = z.object({
  open_department_id: z.string().min(1),
  department_id: z.string().optional(),
  parent_department_id: z.string().optional(),
  name: z.string().optional(),
  i18n_name: z.record(z.string(), z.string()).optional(),
  order: z.union([z.string(), z.number()]).optional(),
  leader_user_id: z.string().optional(),
  leaders: z.array(z.object({ leaderType: z.number().optional(), leaderID: z.string().optional() })).optional(),
  chat_id: z.string().optional(),
  member_count: z.number().optional(),
  status: z.object({ is_deleted: z.boolean().optional() }).optional(),
});
export type FeishuDepartment = z.infer<typeof feishuDepartment>;

export const feishuGroup = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  type: z.number().optional(),
  member_user_count: z.number().optional(),
  member_department_count: z.number().optional(),
});
export type FeishuGroup = z.infer<typeof feishuGroup>;

export const feishuEmployeeType = z.object({
  enum_id: z.string().min(1),
  enum_value: z.union([z.number(), z.string()]).optional(),
  content: z.string().optional(),
  enum_type: z.number().optional(),
  enum_status: z.number().optional(),
  i18n_content: z.array(z.object({ locale: z.string().optional(), value: z.string().optional() })).optional(),
});
export type FeishuEmployeeType = z.infer<typeof feishuEmployeeType>;
