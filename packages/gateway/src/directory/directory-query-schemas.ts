import { z } from 'zod';
import { queryInteger } from '../http/index.ts';
import type { UserState } from './directory-tables.ts';

// The query and path parameters of `/api/v1/directory/*`, validated by the routes and shown, from
// these same schemas, in the OpenAPI document. Each property's `description` becomes the
// parameter's.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** `true` or `false`, nothing else (`1`, `yes` or an empty value are refused, not guessed). */
const queryBoolean = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true')
  .meta({ type: 'boolean', enum: undefined });

const connection = z.string().min(1).max(200).meta({ description: 'Only this connection (default: every connection).' });
const limit = queryInteger(1, MAX_LIMIT).meta({ description: `Items per page, 1 to ${MAX_LIMIT}; default ${DEFAULT_LIMIT}.` });
const cursor = z.string().max(1000).meta({ description: 'The `next_cursor` of the previous page, unchanged.' });

export type UserStatus = UserState;

const statusList = z
  .string()
  .regex(/^(active|deactivated|deleted)(,(active|deactivated|deleted))*$/, { error: 'must be active, deactivated or deleted, or several of them separated by commas' })
  .transform((value) => [...new Set(value.split(','))] as UserStatus[]);

export const listUsersQuerySchema = z
  .object({
    department: z.string().min(1).max(200).optional().meta({ description: 'Users in this department: an open_department_id or a custom department_id (`0` is the root).' }),
    include_subdepartments: queryBoolean.optional().meta({ description: 'With `department`: also the users of every department below it. Default false (direct members only).' }),
    status: statusList.optional().meta({ description: 'active, deactivated or deleted, or several separated by commas. Default `active,deactivated`.' }),
    updated_since: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, such as 2025-01-31T09:00:00Z' })
      .optional()
      .meta({ description: 'Users whose mirror row changed at or after this time. Pages are then ordered by update time, oldest first.' }),
    q: z.string().min(1).max(100).optional().meta({ description: 'Search: a case-insensitive substring of the name, English name, email or enterprise email.' }),
    connection: connection.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  })
  .strict()
  .refine((query) => query.include_subdepartments === undefined || query.department !== undefined, { error: 'include_subdepartments needs department', path: ['include_subdepartments'] });

export const userLookupParamsSchema = z.object({
  id: z.string().min(1).max(320).meta({ description: 'An open_id, union_id or user_id, or an email or enterprise email (case-insensitive).' }),
});

export const userLookupQuerySchema = z.object({ connection: connection.optional() }).strict();

export const listDepartmentsQuerySchema = z
  .object({
    format: z.enum(['flat', 'tree'], { error: 'must be flat or tree' }).optional().meta({ description: '`flat` (default): a page of departments. `tree`: every department at once, each with its `children`.' }),
    include_deleted: queryBoolean.optional().meta({ description: 'Also departments deleted in Feishu or out of the contact scope. Default false.' }),
    connection: connection.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  })
  .strict()
  .refine((query) => query.format !== 'tree' || (query.limit === undefined && query.cursor === undefined), { error: 'format=tree is not paginated; leave out limit and cursor', path: ['format'] });

export const listGroupsQuerySchema = z
  .object({
    include_deleted: queryBoolean.optional().meta({ description: 'Also deleted groups. Default false.' }),
    connection: connection.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  })
  .strict();

export const groupParamsSchema = z.object({ id: z.string().min(1).max(200).meta({ description: 'The user group id.' }) });

export const groupMembersQuerySchema = z
  .object({
    member_type: z.enum(['user', 'department'], { error: 'must be user or department' }).optional().meta({ description: 'Only members of this kind (default: both, departments first).' }),
    connection: connection.optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  })
  .strict();
