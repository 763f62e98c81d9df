import { createHash } from 'node:crypto';
import { userIdAs } from '../../state/ids.ts';
import type { App, Tenant, User } from '../../state/types.ts';

/**
 * The `{union_id, user_id, open_id}` object of IM events as `app` sees `user`; `user_id` only
 * with the `contact:user.employee_id:readonly` field scope (im-v1/message/events/receive.md).
 */
export function userIdTriple(app: App, tenant: Tenant, user: User): Record<string, string> {
  return {
    union_id: user.unionId,
    ...(app.scopes.has('contact:user.employee_id:readonly') ? { user_id: user.userId } : {}),
    open_id: userIdAs(app, tenant.tenantKey, user, 'open_id'),
  };
}

/** A bot's open_id, for mentions of a bot. Feishu gives bots `ou_` ids too; one per bot here. */
export function botOpenId(appId: string): string {
  return `ou_${createHash('sha256').update(`bot:${appId}`).digest('hex').slice(0, 32)}`;
}
