import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUserByAnyId } from '../../state/find-user-by-any-id.ts';
import type { Chat, Tenant, User } from '../../state/types.ts';
import { findChat } from './chats.ts';
import { imStoreOf, type StoredMessage } from './message-store.ts';

export type Inbox = { readonly kind: 'chat' | 'user'; readonly tenant: Tenant; readonly user: User | undefined; readonly chats: readonly Chat[] };

/**
 * The inbox behind an id: a chat (`oc_…`), or a user named by user_id, email, union_id or any
 * app's open_id, whose inbox is every p2p chat they have with a bot.
 */
export function findInbox(state: EmulatorState, id: string): Inbox | undefined {
  if (id.startsWith('oc_')) {
    const found = findChat(state, id);
    return found === undefined ? undefined : { kind: 'chat', tenant: found.tenant, user: undefined, chats: [found.chat] };
  }
  const found = findUserByAnyId(state, undefined, id, ['user_id', 'email', 'union_id', 'open_id']);
  if (found === undefined) return undefined;
  const { tenant, user } = found;
  const chats = [...tenant.chats.values()].filter((chat) => chat.chatType === 'p2p' && chat.memberUserIds.has(user.userId));
  return { kind: 'user', tenant, user, chats };
}

/** The inbox's messages, oldest first, as the control API shows them. */
export function inboxItems(state: EmulatorState, inbox: Inbox): Record<string, unknown>[] {
  const store = imStoreOf(state);
  const messages = inbox.chats
    .flatMap((chat) => (store.chatMessages.get(chat.chatId) ?? []).map((messageId) => store.messages.get(messageId)))
    .filter((message): message is StoredMessage => message !== undefined)
    .sort((a, b) => a.createTime - b.createTime);
  return messages.map((message) => describeMessage(inbox.tenant, inbox.chats.find((chat) => chat.chatId === message.chatId), message));
}

function describeMessage(tenant: Tenant, chat: Chat | undefined, message: StoredMessage): Record<string, unknown> {
  const { sender } = message;
  const userName = (userId: string) => tenant.users.get(userId)?.name ?? '';
  return {
    message_id: message.messageId,
    chat_id: message.chatId,
    chat_type: chat?.chatType ?? 'group',
    msg_type: message.msgType,
    content: JSON.parse(message.content) as unknown,
    raw_content: message.content,
    sender:
      sender.type === 'app'
        ? { sender_type: 'app', app_id: sender.appId }
        : sender.type === 'user'
          ? { sender_type: 'user', user_id: sender.userId, name: userName(sender.userId) }
          : { sender_type: 'custom_bot', hook_token: sender.hookToken },
    mentions: message.mentions.map((mention) => ('userId' in mention ? { key: mention.key, name: mention.name, user_id: mention.userId } : { key: mention.key, name: mention.name, app_id: mention.appId })),
    create_time: message.createTime,
    update_time: message.updateTime,
    updated: message.updated,
    edit_count: message.editCount,
    patch_count: message.patchCount,
    ...(message.rootId === undefined ? {} : { root_id: message.rootId }),
    ...(message.parentId === undefined ? {} : { parent_id: message.parentId }),
    ...(message.threadId === undefined ? {} : { thread_id: message.threadId }),
    ...(message.uuid === undefined ? {} : { uuid: message.uuid }),
    ...(message.cardState === undefined ? {} : { card_state: message.cardState }),
  };
}
