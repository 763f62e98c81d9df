import type { EventBus } from '../../events/event-bus.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App, Chat, Tenant, User } from '../../state/types.ts';
import { appendMessage, imStoreOf, type StoredMention, type StoredMessage } from './message-store.ts';
import { botOpenId, userIdTriple } from './user-ids.ts';

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Lark/7.30.0 FeishuEmulator';

export type UserMessage = {
  readonly tenant: Tenant;
  readonly chat: Chat;
  readonly user: User;
  readonly text: string;
  readonly mentions: readonly StoredMention[];
  readonly parent: StoredMessage | undefined;
};

/**
 * A (simulated) user writes a text message: it is stored in the chat and pushed as
 * `im.message.receive_v1` (im-v1/message/events/receive.md) to the bots that get it: the bot of a
 * p2p chat; in a group, the bots @-mentioned, plus bots holding `im:message.group_msg` (which
 * lets a bot read every group message).
 */
export function receiveUserMessage(state: EmulatorState, bus: EventBus, input: UserMessage): StoredMessage {
  const { tenant, chat, user, parent } = input;
  const now = state.clock.now();
  const message: StoredMessage = {
    messageId: `om_${state.random.hex(32)}`,
    tenantKey: tenant.tenantKey,
    chatId: chat.chatId,
    sender: { type: 'user', userId: user.userId },
    msgType: 'text',
    content: JSON.stringify({ text: input.text }),
    mentions: [...input.mentions],
    createTime: now,
    updateTime: now,
    rootId: parent === undefined ? undefined : (parent.rootId ?? parent.messageId),
    parentId: parent?.messageId,
    threadId: parent?.threadId,
    updated: false,
    editCount: 0,
    patchCount: 0,
    uuid: undefined,
    cardState: undefined,
  };
  appendMessage(imStoreOf(state), message);
  bus.emit(tenant.tenantKey, 'im.message.receive_v1', (app) => (receives(app, chat, message) ? receiveEvent(app, tenant, chat, user, message) : undefined));
  return message;
}

function receives(app: App, chat: Chat, message: StoredMessage): boolean {
  if (!chat.botAppIds.has(app.appId)) return false;
  if (chat.chatType === 'p2p') return true;
  return app.scopes.has('im:message.group_msg') || message.mentions.some((mention) => 'appId' in mention && mention.appId === app.appId);
}

function receiveEvent(app: App, tenant: Tenant, chat: Chat, user: User, message: StoredMessage): Record<string, unknown> {
  const mentions = message.mentions.map((mention) => {
    const mentioned = 'userId' in mention ? tenant.users.get(mention.userId) : undefined;
    const id = 'appId' in mention ? { union_id: '', user_id: '', open_id: botOpenId(mention.appId) } : mentioned === undefined ? {} : userIdTriple(app, tenant, mentioned);
    return { key: mention.key, id, name: mention.name, tenant_key: tenant.tenantKey, mentioned_type: 'appId' in mention ? 'bot' : 'user' };
  });
  return {
    sender: { sender_id: userIdTriple(app, tenant, user), sender_type: 'user', tenant_key: tenant.tenantKey },
    message: {
      message_id: message.messageId,
      ...(message.rootId === undefined ? {} : { root_id: message.rootId }),
      ...(message.parentId === undefined ? {} : { parent_id: message.parentId }),
      create_time: String(message.createTime),
      update_time: String(message.updateTime),
      chat_id: chat.chatId,
      ...(message.threadId === undefined ? {} : { thread_id: message.threadId }),
      chat_type: chat.chatType,
      message_type: message.msgType,
      content: message.content,
      ...(mentions.length === 0 ? {} : { mentions }),
      user_agent: USER_AGENT,
    },
  };
}
