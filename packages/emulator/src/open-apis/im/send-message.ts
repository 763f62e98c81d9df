import type { Caller } from '../../http/authenticate.ts';
import { userInScope } from '../../state/contact-scope.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { findUserByAnyId } from '../../state/find-user-by-any-id.ts';
import type { App, Chat, Tenant } from '../../state/types.ts';
import { ensureP2pChat } from './chats.ts';
import { imErrors } from './im-errors.ts';
import { parseContent } from './message-content.ts';
import { appendMessage, imStoreOf, messageForUuid, rememberUuid, type StoredMention, type StoredMessage } from './message-store.ts';
import { extractTextMentions } from './text-mentions.ts';

export const RECEIVE_ID_TYPES = ['open_id', 'union_id', 'user_id', 'email', 'chat_id'] as const;
export type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number];

export type Draft = { readonly msgType: string; readonly content: string; readonly uuid: string | undefined };

/** `msg_type`, `content` (a string holding JSON) and the optional `uuid` (≤ 50 characters) of a send or reply body. */
export function readDraft(body: Record<string, unknown>): Draft {
  const msgType = requiredString(body, 'msg_type');
  const content = requiredString(body, 'content');
  const uuid = body['uuid'];
  if (uuid !== undefined && typeof uuid !== 'string') throw imErrors.badRequest('uuid must be a string');
  if (typeof uuid === 'string' && uuid.length > 50) throw imErrors.fieldValidation('uuid', 'is longer than 50 characters');
  return { msgType, content, uuid: uuid === '' ? undefined : uuid };
}

export function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (value === undefined || value === null || value === '') throw imErrors.fieldValidation(key, 'is required');
  // A non-string does not even bind to the request type in Feishu's gateway.
  if (typeof value !== 'string') throw imErrors.badRequest(`${key} must be a string`);
  return value;
}

/**
 * The chat a message to `receiveId` goes to: the group itself for `chat_id` (the bot must be in
 * it: 230002), else the bot's p2p chat with the user, created on first message. Unknown receivers
 * get 230034, resigned users 230029, users outside the app's scope 230013.
 */
export function resolveReceiver(state: EmulatorState, caller: Caller, idType: ReceiveIdType, receiveId: string): Chat {
  const { app, tenant } = caller;
  if (idType === 'chat_id') {
    const chat = tenant.chats.get(receiveId);
    if (chat === undefined) throw imErrors.invalidReceiveId();
    if (!chat.botAppIds.has(app.appId)) throw imErrors.botNotInChat();
    return chat;
  }
  const user = findUserByAnyId(tenant, app, receiveId, [idType]);
  if (user === undefined || user.deleted) throw imErrors.invalidReceiveId();
  if (user.status.isResigned) throw imErrors.resigned();
  if (!userInScope(app, tenant, user)) throw imErrors.noAvailability();
  return ensureP2pChat(state, app, tenant, user);
}

/** Validates content for `msgType` and turns text `<at>` tags into `@_user_N` placeholders. */
export function prepareContent(app: App, tenant: Tenant, chat: Chat, msgType: string, content: string): { content: string; mentions: StoredMention[] } {
  const parsed = parseContent(msgType, content);
  if (msgType === 'system' && chat.chatType !== 'p2p') throw imErrors.invalidParam('system messages can only be sent in a p2p chat with the bot');
  if (msgType !== 'text') return { content, mentions: [] };
  const { text, mentions } = extractTextMentions(app, tenant, parsed['text'] as string);
  return mentions.length === 0 && text === parsed['text'] ? { content, mentions } : { content: JSON.stringify({ ...parsed, text }), mentions };
}

export type Threading = { readonly rootId: string | undefined; readonly parentId: string | undefined; readonly threadId: string | undefined };

/**
 * Sends `draft` as `caller`'s bot into `chat`: validates it, applies the one-hour `uuid` rule (a
 * repeat returns the original message and delivers nothing) and stores it in the chat's inbox.
 */
export function sendAsBot(state: EmulatorState, caller: Caller, chat: Chat, draft: Draft, threading: Threading): StoredMessage {
  const { app, tenant } = caller;
  const prepared = prepareContent(app, tenant, chat, draft.msgType, draft.content);
  const store = imStoreOf(state);
  const now = state.clock.now();
  const original = messageForUuid(store, app.appId, draft.uuid, now);
  if (original !== undefined) return original;
  const message: StoredMessage = {
    messageId: `om_${state.random.hex(32)}`,
    tenantKey: tenant.tenantKey,
    chatId: chat.chatId,
    sender: { type: 'app', appId: app.appId },
    msgType: draft.msgType,
    content: prepared.content,
    mentions: prepared.mentions,
    createTime: now,
    updateTime: now,
    ...threading,
    updated: false,
    editCount: 0,
    patchCount: 0,
    uuid: draft.uuid,
    cardState: undefined,
  };
  appendMessage(store, message);
  rememberUuid(store, app.appId, draft.uuid, message.messageId, now);
  return message;
}

/** A message `app` may act on: it exists in the caller's tenant (else 230001) and the bot is in its chat (else 230002). */
export function visibleMessage(state: EmulatorState, caller: Caller, messageId: string): { message: StoredMessage; chat: Chat } {
  const message = imStoreOf(state).messages.get(messageId);
  const chat = message === undefined ? undefined : caller.tenant.chats.get(message.chatId);
  if (message === undefined || chat === undefined || message.tenantKey !== caller.tenant.tenantKey) throw imErrors.invalidParam(`message_id ${messageId} not found`);
  if (!chat.botAppIds.has(caller.app.appId)) throw imErrors.botNotInChat();
  return { message, chat };
}
