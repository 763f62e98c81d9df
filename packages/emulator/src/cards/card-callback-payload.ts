import { v2Envelope } from '../events/event-request.ts';
import { userIdTriple } from '../open-apis/im/user-ids.ts';
import type { App, Chat, Tenant, User } from '../state/types.ts';
import { legacyActionJson, v2ActionJson, type CardAction } from './card-action.ts';

/** Who clicked what on which card, with the update token the callback will carry. */
export type CardClick = {
  readonly app: App;
  readonly tenant: Tenant;
  readonly chat: Chat;
  readonly messageId: string;
  readonly user: User;
  readonly action: CardAction;
  readonly token: string;
};

/**
 * The `card.action.trigger` callback (§4.1): the v2 event envelope around the operator (user_id
 * only with `contact:user.employee_id:readonly`, as in IM events), the update token, the action
 * and the message it happened on.
 */
export function cardActionTrigger(click: CardClick, meta: { eventId: string; createTime: number }): Record<string, unknown> {
  const { app, tenant, user } = click;
  const ids = userIdTriple(app, tenant, user);
  const event = {
    operator: { tenant_key: tenant.tenantKey, ...(ids['user_id'] === undefined ? {} : { user_id: ids['user_id'] }), open_id: ids['open_id'], union_id: ids['union_id'] },
    token: click.token,
    action: v2ActionJson(click.action),
    host: 'im_message',
    context: { open_message_id: click.messageId, open_chat_id: click.chat.chatId },
  };
  return v2Envelope(app, { eventId: meta.eventId, eventType: 'card.action.trigger', createTime: meta.createTime, tenantKey: tenant.tenantKey }, event);
}

/** The old-style flat callback body (§4.2, node-sdk `InteractiveCardActionEvent`). */
export function legacyCardAction(click: CardClick): Record<string, unknown> {
  const { app, tenant, user } = click;
  const ids = userIdTriple(app, tenant, user);
  return {
    open_id: ids['open_id'],
    ...(ids['user_id'] === undefined ? {} : { user_id: ids['user_id'] }),
    open_message_id: click.messageId,
    open_chat_id: click.chat.chatId,
    tenant_key: tenant.tenantKey,
    token: click.token,
    action: legacyActionJson(click.action),
  };
}
