import type { Context, Hono } from 'hono';
import type { EventBus } from '../../events/event-bus.ts';
import { authenticate, requireScope, type Caller } from '../../http/authenticate.ts';
import { ok } from '../../http/ok.ts';
import { paginate } from '../../http/paginate.ts';
import { readJson } from '../../http/read-json.ts';
import { stringList } from '../../http/string-list.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUser, isUserIdType, userIdAs, type UserIdType } from '../../state/ids.ts';
import type { App, Chat, Tenant, User } from '../../state/types.ts';
import { addBotToChat, createGroupChat } from './chats.ts';
import { chatErrors } from './im-errors.ts';
import { imStoreOf } from './message-store.ts';

const base = '/open-apis/im/v1/chats';
const writeScopes = ['im:chat', 'im:chat:create'];
const readScopes = ['im:chat', 'im:chat:readonly', 'im:chat:read', 'im:chat.members:read', 'im:chat.group_info:readonly'];
const avatar = 'https://emulator.invalid/chat-avatar/default.png';
const chatPageErrors = {
  pageSize: (max: number) => chatErrors.invalidParam(`page_size must be 1-${max}`),
  pageToken: () => chatErrors.invalidParam('page_token is invalid'),
};

/** Minimal IM v1 chats: create a group, list the bot's groups, list a group's members. */
export function addChatRoutes(app: Hono, state: EmulatorState, bus: EventBus): void {
  const caller = (c: Context, scopes: readonly string[]): Caller => {
    const found = authenticate(state, c, ['tenant']);
    requireScope(found.app, scopes);
    return found;
  };

  app.post(base, async (c) => {
    const { app: self, tenant } = caller(c, writeScopes);
    const idType = userIdType(c, 'user_id_type');
    const body = await readJson(c);
    const userIds = stringList(body['user_id_list'], 'user_id_list', chatErrors.invalidParam, 50).map((id) => member(self, tenant, idType, id).userId);
    const ownerId = typeof body['owner_id'] === 'string' && body['owner_id'] !== '' ? member(self, tenant, idType, body['owner_id']).userId : undefined;
    const bots = stringList(body['bot_id_list'], 'bot_id_list', chatErrors.invalidParam, 5).map((appId) => {
      const bot = state.apps.get(appId);
      if (bot === undefined || !bot.installations.has(tenant.tenantKey)) throw chatErrors.botNotFound();
      return bot;
    });
    const name = typeof body['name'] === 'string' ? body['name'] : '';
    const description = typeof body['description'] === 'string' ? body['description'] : '';
    const chat = createGroupChat(state, tenant, { name, description, ownerUserId: ownerId, userIds });
    chat.botAppIds.add(self.appId);
    // Bots invited by the creating bot hear of it; the creator itself does not (added-events-1.md).
    for (const bot of bots) addBotToChat(state, bus, tenant, chat, bot.appId, ownerId);
    return ok(c, { ...describeChat(state, self, tenant, chat, idType), ...chatSettings(), i18n_names: { zh_cn: name, en_us: name, ja_jp: name } });
  });

  app.get(base, (c) => {
    const { app: self, tenant } = caller(c, readScopes);
    const idType = userIdType(c, 'user_id_type');
    // Groups only: p2p chats are never listed (chat/list.md). Creation order (ByCreateTimeAsc).
    const chats = [...tenant.chats.values()].filter((chat) => chat.chatType === 'group' && chat.botAppIds.has(self.appId));
    const page = paginate(
      chats,
      { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 20, maxSize: 100, scope: `chats:${self.appId}` },
      chatPageErrors,
    );
    return ok(c, { ...page, items: page.items.map((chat) => ({ ...describeChat(state, self, tenant, chat, idType), chat_status: 'normal' })) });
  });

  app.get(`${base}/:chat_id/members`, (c) => {
    const { app: self, tenant } = caller(c, readScopes);
    const idType = userIdType(c, 'member_id_type');
    const chat = tenant.chats.get(c.req.param('chat_id'));
    if (chat === undefined) throw chatErrors.invalidChatId();
    if (!chat.botAppIds.has(self.appId)) throw chatErrors.operatorNotInChat();
    // Bots are never listed as members (chat-member/get.md).
    const members = [...chat.memberUserIds].map((id) => tenant.users.get(id)).filter((user): user is User => user !== undefined && !user.deleted);
    const page = paginate(
      members,
      { pageSize: c.req.query('page_size'), pageToken: c.req.query('page_token'), defaultSize: 20, maxSize: 100, scope: `members:${chat.chatId}` },
      chatPageErrors,
    );
    return ok(c, {
      items: page.items.map((user) => ({ member_id_type: idType, member_id: userIdAs(self, tenant.tenantKey, user, idType), name: user.name, tenant_key: tenant.tenantKey })),
      has_more: page.has_more,
      ...(page.page_token === undefined ? {} : { page_token: page.page_token }),
      member_total: members.length,
    });
  });
}

/** A chat as chat create / list describe it; owner fields are absent when a bot owns it. */
function describeChat(state: EmulatorState, app: App, tenant: Tenant, chat: Chat, idType: UserIdType): Record<string, unknown> {
  const info = imStoreOf(state).chatInfo.get(chat.chatId);
  const owner = info?.ownerUserId === undefined ? undefined : tenant.users.get(info.ownerUserId);
  return {
    chat_id: chat.chatId,
    avatar,
    name: chat.name,
    description: info?.description ?? '',
    ...(owner === undefined ? {} : { owner_id: userIdAs(app, tenant.tenantKey, owner, idType), owner_id_type: idType }),
    external: false,
    tenant_key: tenant.tenantKey,
  };
}

/** The settings chat create echoes back: Feishu's defaults for a private group. */
function chatSettings(): Record<string, unknown> {
  return {
    urgent_setting: 'all_members',
    video_conference_setting: 'all_members',
    add_member_permission: 'all_members',
    share_card_permission: 'allowed',
    at_all_permission: 'all_members',
    edit_permission: 'all_members',
    group_message_type: 'chat',
    chat_mode: 'group',
    chat_type: 'private',
    chat_tag: 'inner',
    join_message_visibility: 'all_members',
    leave_message_visibility: 'all_members',
    membership_approval: 'no_approval_required',
    moderation_permission: 'all_members',
    hide_member_count_setting: 'all_members',
  };
}

function member(app: App, tenant: Tenant, idType: UserIdType, id: string): User {
  const user = findUser(app, tenant, idType, id);
  if (user === undefined || user.deleted) throw chatErrors.unavailableIds();
  if (user.status.isResigned) throw chatErrors.userResigned();
  return user;
}

function userIdType(c: Context, name: string): UserIdType {
  const value = c.req.query(name) ?? 'open_id';
  if (!isUserIdType(value)) throw chatErrors.invalidParam(`${name} must be open_id, union_id or user_id`);
  return value;
}
