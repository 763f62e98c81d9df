import type { EventBus } from '../../events/event-bus.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App, Chat, Tenant, User } from '../../state/types.ts';
import { imStoreOf } from './message-store.ts';
import { userIdTriple } from './user-ids.ts';

/** A chat of any tenant by its `oc_` id. */
export function findChat(state: EmulatorState, chatId: string): { tenant: Tenant; chat: Chat } | undefined {
  for (const tenant of state.tenants.values()) {
    const chat = tenant.chats.get(chatId);
    if (chat !== undefined) return { tenant, chat };
  }
  return undefined;
}

/** The p2p chat of `app`'s bot and `user`, created on first contact as in Feishu. */
export function ensureP2pChat(state: EmulatorState, app: App, tenant: Tenant, user: User): Chat {
  const store = imStoreOf(state);
  const key = `${tenant.tenantKey}:${app.appId}:${user.userId}`;
  const existing = store.p2pChats.get(key);
  const found = existing === undefined ? undefined : tenant.chats.get(existing);
  if (found !== undefined) return found;
  const chat: Chat = { chatId: `oc_${state.random.hex(32)}`, tenantKey: tenant.tenantKey, name: '', chatType: 'p2p', memberUserIds: new Set([user.userId]), botAppIds: new Set([app.appId]) };
  tenant.chats.set(chat.chatId, chat);
  store.p2pChats.set(key, chat.chatId);
  store.chatInfo.set(chat.chatId, { description: '', ownerUserId: undefined, createTime: state.clock.now() });
  return chat;
}

export type NewGroup = { name: string; description: string; ownerUserId: string | undefined; userIds: readonly string[] };

/** A group chat with `userIds` as members (the owner included) and no bots yet. */
export function createGroupChat(state: EmulatorState, tenant: Tenant, group: NewGroup): Chat {
  const members = new Set(group.userIds);
  if (group.ownerUserId !== undefined) members.add(group.ownerUserId);
  const chat: Chat = { chatId: `oc_${state.random.hex(32)}`, tenantKey: tenant.tenantKey, name: group.name, chatType: 'group', memberUserIds: members, botAppIds: new Set() };
  tenant.chats.set(chat.chatId, chat);
  imStoreOf(state).chatInfo.set(chat.chatId, { description: group.description, ownerUserId: group.ownerUserId, createTime: state.clock.now() });
  return chat;
}

/**
 * Puts `appId`'s bot in a group and tells that bot with `im.chat.member.bot.added_v1`. Only the
 * invited bot hears of it; bots already in the group do not (chat-member/event/added-events-1.md).
 * Returns false when the bot was already there (no event).
 */
export function addBotToChat(state: EmulatorState, bus: EventBus, tenant: Tenant, chat: Chat, appId: string, operatorUserId: string | undefined): boolean {
  if (chat.botAppIds.has(appId)) return false;
  chat.botAppIds.add(appId);
  const operator = operatorUserId === undefined ? undefined : tenant.users.get(operatorUserId);
  bus.emit(tenant.tenantKey, 'im.chat.member.bot.added_v1', (app) => {
    if (app.appId !== appId) return undefined;
    return {
      chat_id: chat.chatId,
      operator_id: operator === undefined ? { union_id: '', user_id: '', open_id: '' } : userIdTriple(app, tenant, operator),
      external: false,
      operator_tenant_key: tenant.tenantKey,
      name: chat.name,
      i18n_names: { zh_cn: chat.name, en_us: chat.name, ja_jp: chat.name },
    };
  });
  return true;
}
