import type { Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import type { EventBus } from '../events/event-bus.ts';
import { readJson } from '../http/read-json.ts';
import { stringList } from '../http/string-list.ts';
import { userInScope } from '../state/contact-scope.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { findUserByAnyId } from '../state/find-user-by-any-id.ts';
import type { App, Chat, Tenant, User } from '../state/types.ts';
import { addBotToChat, createGroupChat, ensureP2pChat, findChat } from '../open-apis/im/chats.ts';
import { findInbox, inboxItems } from '../open-apis/im/inbox.ts';
import { imStoreOf, type StoredMention } from '../open-apis/im/message-store.ts';
import { receiveUserMessage } from '../open-apis/im/receive-user-message.ts';

/**
 * Control API for messaging: users writing to bots, inboxes, groups and their bots, custom bot
 * webhooks. JSON in and out; errors are `{code, msg}` with a 4xx status like the rest of `/_emulator/`.
 */
export function addMessageControlRoutes(app: Hono, state: EmulatorState, bus: EventBus): void {
  app.post('/_emulator/messages/from-user', async (c) => {
    const body = await readJson(c);
    const text = body['text'];
    if (typeof text !== 'string' || text === '') throw controlError(400, 'text is required');
    const target = appOf(state, body['app_id']);
    const { tenant, chat } = typeof body['chat_id'] === 'string' ? groupOf(state, body['chat_id']) : { tenant: tenantOf(state, target, body['tenant_key']), chat: undefined };
    const user = userOf(tenant, body);
    if (chat !== undefined && !chat.memberUserIds.has(user.userId)) throw controlError(400, 'the user is not a member of that chat');
    if (chat === undefined && !userInScope(target, tenant, user)) throw controlError(400, 'the user is outside the app\'s availability and cannot see its bot');
    const into = chat ?? ensureP2pChat(state, target, tenant, user);
    const parentId = body['parent_id'];
    const parent = typeof parentId === 'string' ? imStoreOf(state).messages.get(parentId) : undefined;
    if (typeof parentId === 'string' && parent?.chatId !== into.chatId) throw controlError(400, 'parent_id must name a message of the same chat');
    const mentions = mentionsOf(state, tenant, target, body['mentions'], text);
    const message = receiveUserMessage(state, bus, { tenant, chat: into, user, text, mentions, parent });
    return c.json({ message_id: message.messageId, chat_id: into.chatId, chat_type: into.chatType, create_time: message.createTime }, 201);
  });

  app.get('/_emulator/inbox/:id', (c) => {
    const id = c.req.param('id');
    const inbox = findInbox(state, id);
    if (inbox === undefined) throw controlError(404, `no user or chat ${id}`);
    return c.json({
      id,
      type: inbox.kind,
      tenant_key: inbox.tenant.tenantKey,
      ...(inbox.user === undefined ? {} : { user_id: inbox.user.userId }),
      chat_ids: inbox.chats.map((chat) => chat.chatId),
      items: inboxItems(state, inbox),
    });
  });

  app.post('/_emulator/chats', async (c) => {
    const body = await readJson(c);
    const tenant = tenantByKey(state, body['tenant_key']);
    const userIds = stringList(body['user_ids'], 'user_ids', invalidRequest).map((id) => existingUser(tenant, id).userId);
    const owner = typeof body['owner_user_id'] === 'string' ? existingUser(tenant, body['owner_user_id']).userId : userIds[0];
    const name = typeof body['name'] === 'string' ? body['name'] : 'Emulated group';
    const description = typeof body['description'] === 'string' ? body['description'] : '';
    const chat = createGroupChat(state, tenant, { name, description, ownerUserId: owner, userIds });
    for (const appId of stringList(body['bot_app_ids'], 'bot_app_ids', invalidRequest)) addBotToChat(state, bus, tenant, chat, installedApp(state, tenant, appId).appId, owner);
    return c.json(describeChat(state, tenant, chat), 201);
  });

  app.post('/_emulator/chats/:chat_id/bots', async (c) => {
    const { tenant, chat } = groupOf(state, c.req.param('chat_id'));
    const body = await readJson(c);
    const bot = installedApp(state, tenant, typeof body['app_id'] === 'string' ? body['app_id'] : state.defaultAppId);
    const operator = typeof body['operator_user_id'] === 'string' ? existingUser(tenant, body['operator_user_id']).userId : (imStoreOf(state).chatInfo.get(chat.chatId)?.ownerUserId ?? [...chat.memberUserIds][0]);
    const added = addBotToChat(state, bus, tenant, chat, bot.appId, operator);
    return c.json({ ...describeChat(state, tenant, chat), added }, added ? 201 : 200);
  });

  app.post('/_emulator/bot-hooks', async (c) => {
    const body = await readJson(c);
    const secret = body['secret'];
    if (secret !== undefined && (typeof secret !== 'string' || secret === '')) throw controlError(400, 'secret must be a non-empty string');
    const { tenant, chat } =
      typeof body['chat_id'] === 'string'
        ? groupOf(state, body['chat_id'])
        : (() => {
            const owner = tenantByKey(state, body['tenant_key']);
            return { tenant: owner, chat: createGroupChat(state, owner, { name: 'Custom bot group', description: '', ownerUserId: undefined, userIds: [] }) };
          })();
    const hex = state.random.hex(32);
    const token = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const name = typeof body['name'] === 'string' ? body['name'] : 'Custom Bot';
    imStoreOf(state).hooks.set(token, { token, tenantKey: tenant.tenantKey, chatId: chat.chatId, secret, name });
    const url = `${new URL(c.req.url).origin}/open-apis/bot/v2/hook/${token}`;
    return c.json({ token, url, chat_id: chat.chatId, secret: secret ?? null, name }, 201);
  });
}


const invalidRequest = (message: string) => controlError(400, message);

function appOf(state: EmulatorState, appId: unknown): App {
  const found = state.apps.get(typeof appId === 'string' ? appId : state.defaultAppId);
  if (found === undefined) throw controlError(404, 'no such app');
  return found;
}

/** The tenant a p2p message happens in: `tenant_key`, else the default tenant if the app is there, else its first. */
function tenantOf(state: EmulatorState, app: App, tenantKey: unknown): Tenant {
  const key = typeof tenantKey === 'string' ? tenantKey : app.installations.has(state.defaultTenantKey) ? state.defaultTenantKey : [...app.installations.keys()][0];
  const tenant = key === undefined ? undefined : state.tenants.get(key);
  if (tenant === undefined || !app.installations.has(tenant.tenantKey)) throw controlError(400, 'the app is not installed in that tenant');
  return tenant;
}

function tenantByKey(state: EmulatorState, tenantKey: unknown): Tenant {
  const tenant = state.tenants.get(typeof tenantKey === 'string' ? tenantKey : state.defaultTenantKey);
  if (tenant === undefined) throw controlError(400, 'unknown tenant_key');
  return tenant;
}

function groupOf(state: EmulatorState, chatId: string): { tenant: Tenant; chat: Chat } {
  const found = findChat(state, chatId);
  if (found === undefined) throw controlError(404, `no chat ${chatId}`);
  if (found.chat.chatType !== 'group') throw controlError(400, 'that chat is a p2p chat, not a group');
  return found;
}

function installedApp(state: EmulatorState, tenant: Tenant, appId: string): App {
  const found = state.apps.get(appId);
  if (found === undefined || !found.installations.has(tenant.tenantKey)) throw controlError(400, `app ${appId} is not installed in tenant ${tenant.tenantKey}`);
  return found;
}

/** A current member of the tenant by user_id or email. */
function existingUser(tenant: Tenant, id: string): User {
  const user = findUserByAnyId(tenant, undefined, id, ['user_id', 'email']);
  if (user === undefined || user.deleted) throw controlError(404, `no user ${id} in tenant ${tenant.tenantKey}`);
  if (user.status.isResigned) throw controlError(400, `user ${id} has resigned`);
  return user;
}

function userOf(tenant: Tenant, body: Record<string, unknown>): User {
  const id = typeof body['user_id'] === 'string' ? body['user_id'] : typeof body['email'] === 'string' ? body['email'] : undefined;
  if (id === undefined) throw controlError(400, 'user_id or email is required');
  return existingUser(tenant, id);
}

/**
 * `mentions` lists who `@_user_1`, `@_user_2`… are: app ids (`cli_…`) for bots, user_ids or
 * emails for people. Without it, a text containing `@_user_1` mentions the app's bot.
 */
function mentionsOf(state: EmulatorState, tenant: Tenant, app: App, given: unknown, text: string): StoredMention[] {
  if (given === undefined) return text.includes('@_user_1') ? [{ key: '@_user_1', name: app.name, appId: app.appId }] : [];
  return stringList(given, 'mentions', invalidRequest).map((id, index): StoredMention => {
    const key = `@_user_${index + 1}`;
    const bot = state.apps.get(id);
    if (bot !== undefined) return { key, name: bot.name, appId: bot.appId };
    const user = existingUser(tenant, id);
    return { key, name: user.name, userId: user.userId };
  });
}

function describeChat(state: EmulatorState, tenant: Tenant, chat: Chat): Record<string, unknown> {
  return {
    chat_id: chat.chatId,
    tenant_key: tenant.tenantKey,
    name: chat.name,
    chat_type: chat.chatType,
    owner_user_id: imStoreOf(state).chatInfo.get(chat.chatId)?.ownerUserId ?? null,
    user_ids: [...chat.memberUserIds],
    bot_app_ids: [...chat.botAppIds],
  };
}
