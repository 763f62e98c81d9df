import type { EmulatorState } from '../state/emulator-state.ts';

/** The update token a card callback carries (`c-…`), good for delayed updates (§4.1). */
export type CardToken = {
  readonly token: string;
  readonly appId: string;
  readonly messageId: string;
  /** Tenant user_id of the person who clicked. */
  readonly userId: string;
  readonly expiresAt: number;
  /** Delayed updates made with it so far. */
  uses: number;
};

/** One card callback as the control API shows it (`GET /_emulator/cards/callbacks`). */
export type CardCallbackRecord = {
  callback_id: string;
  app_id: string;
  message_id: string;
  chat_id: string;
  tenant_key: string;
  /** Tenant user_id of the person who clicked. */
  user_id: string;
  style: 'v2' | 'legacy';
  mode: 'http' | 'websocket';
  /** The card request URL (HTTP), or null over a long connection. */
  url: string | null;
  /** Emulated time (ms) the callback was sent. */
  time: number;
  /** The payload as sent, before any encryption. */
  request: Record<string, unknown>;
  /** Whether the body went encrypted (`{"encrypt":…}`). */
  encrypted: boolean;
  /** HTTP status of the answer (HTTP mode) or the ack's code (long connection); null without one. */
  response_status: number | null;
  /** The answer body as received (HTTP), or the ack's decoded `data` as JSON; null without one. */
  response_body: string | null;
  status: 'answered' | 'failed';
  /** The code Feishu's client would show (§4.1); null when answered. */
  error_code: number | null;
  /** Why it failed, for people; null when answered. */
  error: string | null;
  toast: Record<string, unknown> | null;
  card_updated: boolean;
  token: string;
  /** Real milliseconds from sending to the answer (or the failure). */
  duration_ms: number;
};

export type CardStore = {
  /** Update tokens by value, oldest first (all live 30 minutes, so also in expiry order). */
  readonly tokens: Map<string, CardToken>;
  /** The most recent callbacks, oldest first. */
  callbacks: CardCallbackRecord[];
};

/** Callbacks kept for the control API; older ones are dropped first. */
export const MAX_CALLBACK_RECORDS = 1_000;

// Keyed by the world (`state.world`), like the IM store: a reset forgets tokens and callbacks.
const stores = new WeakMap<object, CardStore>();

/** The card tokens and callback log of this emulator's current world. */
export function cardStoreOf(state: Pick<EmulatorState, 'world'>): CardStore {
  let store = stores.get(state.world);
  if (store === undefined) {
    store = { tokens: new Map(), callbacks: [] };
    stores.set(state.world, store);
  }
  return store;
}

/** Remembers a new token, dropping expired ones from the front of the (expiry-ordered) map. */
export function rememberToken(store: CardStore, token: CardToken, now: number): void {
  for (const [key, entry] of store.tokens) {
    if (entry.expiresAt > now) break;
    store.tokens.delete(key);
  }
  store.tokens.set(token.token, token);
}

/** Appends a callback to the log, keeping the newest `MAX_CALLBACK_RECORDS`. */
export function recordCallback(store: CardStore, record: CardCallbackRecord): void {
  store.callbacks.push(record);
  if (store.callbacks.length > MAX_CALLBACK_RECORDS) store.callbacks.splice(0, store.callbacks.length - MAX_CALLBACK_RECORDS);
}
