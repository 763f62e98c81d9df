import type { EmulatorState } from '../../state/emulator-state.ts';

/** Who wrote a message: an app's bot, a (simulated) user, or a group's custom bot webhook. */
export type MessageSender =
  | { readonly type: 'app'; readonly appId: string }
  | { readonly type: 'user'; readonly userId: string }
  | { readonly type: 'custom_bot'; readonly hookToken: string };

/** Someone @-mentioned in a message; `key` is the placeholder in the content (`@_user_1`). */
export type StoredMention = { readonly key: string; readonly name: string } & ({ readonly userId: string } | { readonly appId: string });

export type StoredMessage = {
  readonly messageId: string;
  readonly tenantKey: string;
  readonly chatId: string;
  readonly sender: MessageSender;
  msgType: string;
  /** The current content, a JSON string (after patches and edits). */
  content: string;
  mentions: StoredMention[];
  readonly createTime: number;
  updateTime: number;
  readonly rootId: string | undefined;
  readonly parentId: string | undefined;
  threadId: string | undefined;
  /** Set by an edit (PUT); card patches do not set it, as in Feishu. */
  updated: boolean;
  editCount: number;
  patchCount: number;
  readonly uuid: string | undefined;
  /** What a card callback recorded about this card (for the inbox). */
  cardState: Record<string, unknown> | undefined;
};

/** Emulator-only facts about a chat that the shared `Chat` model does not carry. */
export type ChatInfo = {
  readonly description: string;
  /** Tenant user_id of the owner; undefined when a bot owns it. */
  readonly ownerUserId: string | undefined;
  readonly createTime: number;
};

/** A group's custom bot (`/open-apis/bot/v2/hook/:token`). */
export type BotHook = { readonly token: string; readonly tenantKey: string; readonly chatId: string; readonly secret: string | undefined; readonly name: string };

export type ImStore = {
  readonly messages: Map<string, StoredMessage>;
  /** Message ids of each chat, oldest first. */
  readonly chatMessages: Map<string, string[]>;
  readonly chatInfo: Map<string, ChatInfo>;
  /** The p2p chat of a bot and a user, by `tenantKey:appId:userId`. */
  readonly p2pChats: Map<string, string>;
  /** The message a `uuid` produced, by `appId:uuid`, for one hour. */
  readonly uuids: Map<string, { readonly messageId: string; readonly expiresAt: number }>;
  readonly hooks: Map<string, BotHook>;
};

/** Requests with the same uuid succeed at most once within an hour (im-v1/message/create.md). */
export const UUID_WINDOW_MS = 60 * 60 * 1000;

// Keyed by the world (`state.world`): a reset empties every inbox.
const stores = new WeakMap<object, ImStore>();

/** The messages, chats' extra facts and custom bots of this emulator's current world. */
export function imStoreOf(state: Pick<EmulatorState, 'world'>): ImStore {
  let store = stores.get(state.world);
  if (store === undefined) {
    store = { messages: new Map(), chatMessages: new Map(), chatInfo: new Map(), p2pChats: new Map(), uuids: new Map(), hooks: new Map() };
    stores.set(state.world, store);
  }
  return store;
}

/** Stores a delivered message at the end of its chat's inbox. */
export function appendMessage(store: ImStore, message: StoredMessage): void {
  store.messages.set(message.messageId, message);
  let list = store.chatMessages.get(message.chatId);
  if (list === undefined) store.chatMessages.set(message.chatId, (list = []));
  list.push(message.messageId);
}

/** The message an earlier request with this uuid produced, if it is less than an hour old. */
export function messageForUuid(store: ImStore, appId: string, uuid: string | undefined, now: number): StoredMessage | undefined {
  if (uuid === undefined || uuid === '') return undefined;
  const key = `${appId}:${uuid}`;
  const entry = store.uuids.get(key);
  if (entry === undefined) return undefined;
  if (entry.expiresAt <= now) {
    store.uuids.delete(key);
    return undefined;
  }
  return store.messages.get(entry.messageId);
}

export function rememberUuid(store: ImStore, appId: string, uuid: string | undefined, messageId: string, now: number): void {
  if (uuid === undefined || uuid === '') return;
  // Every entry lives the same hour, so insertion order is expiry order: dropping expired entries
  // from the front keeps the map to one hour of sends without scanning it.
  for (const [key, entry] of store.uuids) {
    if (entry.expiresAt > now) break;
    store.uuids.delete(key);
  }
  store.uuids.set(`${appId}:${uuid}`, { messageId, expiresAt: now + UUID_WINDOW_MS });
}

/** Records what a card callback did to a card, for `GET /_emulator/inbox/:id`. */
export function recordCardState(state: Pick<EmulatorState, 'world'>, messageId: string, cardState: Record<string, unknown>): boolean {
  const message = imStoreOf(state).messages.get(messageId);
  if (message === undefined) return false;
  message.cardState = { ...message.cardState, ...cardState };
  return true;
}
