import { openIdOf } from '../../state/ids.ts';
import type { App, User } from '../../state/types.ts';

// Field scopes of `GET /open-apis/authen/v1/user_info` (docs: authentication-management/
// login-state-management/get.md): employee_no is also readable with any contact-wide scope.
const EMPLOYEE_NO_SCOPES = ['contact:user.employee:readonly', 'contact:contact:access_as_app', 'contact:contact:readonly', 'contact:contact:readonly_as_app'];

/**
 * The user as `authen/v1/user_info` (and the legacy v1 token endpoints) describe them. Fields
 * behind a field scope the app has not enabled are absent, not empty.
 */
export function serializeUserInfo(app: App, tenantKey: string, user: User, options: { employeeNo: boolean } = { employeeNo: true }): Record<string, string> {
  const can = (scope: string) => app.scopes.has(scope);
  // The same avatar URLs as contact v3 (serialize.ts), so one person has one picture.
  const avatar = `https://emulator.invalid/avatar/${user.userId}`;
  return {
    name: user.name,
    en_name: user.enName,
    avatar_url: `${avatar}_72.png`,
    avatar_thumb: `${avatar}_72.png`,
    avatar_middle: `${avatar}_240.png`,
    avatar_big: `${avatar}_640.png`,
    open_id: openIdOf(app, tenantKey, user.userId),
    union_id: user.unionId,
    ...(can('contact:user.email:readonly') ? { email: user.email } : {}),
    ...(can('contact:user.employee:readonly') ? { enterprise_email: user.enterpriseEmail } : {}),
    ...(can('contact:user.employee_id:readonly') ? { user_id: user.userId } : {}),
    ...(can('contact:user.phone:readonly') ? { mobile: user.mobile } : {}),
    tenant_key: tenantKey,
    ...(options.employeeNo && EMPLOYEE_NO_SCOPES.some(can) ? { employee_no: user.employeeNo } : {}),
  };
}
