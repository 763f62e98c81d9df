import { userIdAs, type UserIdType } from '../../state/ids.ts';
import type { App, Tenant } from '../../state/types.ts';
import type { StoredMessage } from './message-store.ts';
import { botOpenId } from './user-ids.ts';

/**
 * A message as the Open API returns it to `app` (create, reply, edit, get): ids of users in
 * `userIdType` (open_id by default), times as millisecond strings, optional ids only when set.
 */
export function serializeMessage(app: App, tenant: Tenant, message: StoredMessage, userIdType: UserIdType = 'open_id'): Record<string, unknown> {
  const userId = (id: string) => {
    const user = tenant.users.get(id);
    return user === undefined ? '' : userIdAs(app, tenant.tenantKey, user, userIdType);
  };
  const { sender } = message;
  return {
    message_id: message.messageId,
    ...(message.rootId === undefined ? {} : { root_id: message.rootId }),
    ...(message.parentId === undefined ? {} : { parent_id: message.parentId }),
    ...(message.threadId === undefined ? {} : { thread_id: message.threadId }),
    msg_type: message.msgType,
    create_time: String(message.createTime),
    update_time: String(message.updateTime),
    deleted: false,
    updated: message.updated,
    chat_id: message.chatId,
    sender:
      sender.type === 'user'
        ? { id: userId(sender.userId), id_type: userIdType, sender_type: 'user', tenant_key: tenant.tenantKey }
        : { id: sender.type === 'app' ? sender.appId : hookAppId(sender.hookToken), id_type: 'app_id', sender_type: 'app', tenant_key: tenant.tenantKey },
    body: { content: message.content },
    ...(message.mentions.length === 0
      ? {}
      : {
          mentions: message.mentions.map((mention) => ({
            key: mention.key,
            id: 'userId' in mention ? userId(mention.userId) : botOpenId(mention.appId),
            id_type: 'userId' in mention ? userIdType : 'open_id',
            name: mention.name,
            tenant_key: tenant.tenantKey,
          })),
        }),
  };
}

/** Custom bots have no app of their own in the emulator; this stands in for their bot id. */
export function hookAppId(token: string): string {
  return `cli_${token.replace(/-/g, '').slice(0, 16)}`;
}
