import type { Context } from 'hono';
import { authenticate, requireScope, type Caller } from '../../http/authenticate.ts';
import type { PageErrors } from '../../http/paginate.ts';
import { departmentInScope } from '../../state/contact-scope.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { isUserIdType, type DepartmentIdType, type UserIdType } from '../../state/ids.ts';
import type { App, Department, Tenant } from '../../state/types.ts';
import { contactErrors } from './contact-errors.ts';
import { findDepartment, type IdTypes } from './serialize.ts';

// What every contact v3 route does first: authenticate, check the API scope, read the id types.

export const contactBase = '/open-apis/contact/v3';

export const contactPageErrors: PageErrors = { pageSize: contactErrors.pageSizeInvalid, pageToken: contactErrors.pageTokenInvalid };

const contactScopes = ['contact:contact:readonly_as_app', 'contact:contact.base:readonly', 'contact:department.base:readonly', 'contact:user.base:readonly'];

/** The calling app and tenant, refusing callers without any contact read scope (99991672). */
export function contactCaller(state: EmulatorState, c: Context, kinds: ('tenant' | 'user')[] = ['tenant', 'user']): Caller {
  const found = authenticate(state, c, kinds);
  requireScope(found.app, contactScopes);
  return found;
}

/** `user_id_type` as given, `open_id` when absent; anything else is 40001. */
export function asUserIdType(value = 'open_id'): UserIdType {
  if (!isUserIdType(value)) throw contactErrors.invalidParam(`unsupported user id type ${value}`);
  return value;
}

/** `user_id_type` and `department_id_type` of the query, with Feishu's defaults. */
export function idTypes(c: Context): IdTypes {
  const userIdType = asUserIdType(c.req.query('user_id_type'));
  const departmentIdType = c.req.query('department_id_type') ?? 'open_department_id';
  if (departmentIdType !== 'open_department_id' && departmentIdType !== 'department_id') throw contactErrors.invalidParam(`unsupported department id type ${departmentIdType}`);
  return { userIdType, departmentIdType };
}

/** A live department named in the id family asked for, else 40015. */
export function existingDepartment(tenant: Tenant, id: string, idType: DepartmentIdType): Department {
  const department = id === '' ? undefined : findDepartment(tenant, id, idType);
  if (department === undefined || department.deleted) throw contactErrors.departmentMissing();
  return department;
}

/** 40004 (HTTP 403) unless the department lies inside the app's contact scope. */
export function assertDepartmentVisible(app: App, tenant: Tenant, department: Department): void {
  if (!departmentInScope(app, tenant, department.openDepartmentId)) throw contactErrors.outOfScope('the department is outside the app\'s contact scope');
}

/** `{items…, has_more, page_token?}` under another name than `items`, as the group APIs answer. */
export function renamedPage<T>(page: { items: T[]; has_more: boolean; page_token?: string }, name: string): Record<string, unknown> {
  return { [name]: page.items, has_more: page.has_more, ...(page.page_token === undefined ? {} : { page_token: page.page_token }) };
}
