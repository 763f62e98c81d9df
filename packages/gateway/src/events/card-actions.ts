import { isJsonObject, type JsonObject } from './json-object.ts';
import type { CardCallback } from './open-card-callback.ts';

/** A toast shown to the person who clicked (platform doc §4.1). */
export type CardToast = {
  readonly type: 'info' | 'success' | 'error' | 'warning';
  readonly content: string;
  /** Text per locale, e.g. `{zh_cn: '已批准', en_us: 'Approved'}`. */
  readonly i18n?: Readonly<Record<string, string>>;
};

/**
 * What a handler wants the person to see: a toast and/or a new card (the whole card JSON, 1.0 or
 * 2.0; a 2.0 card cannot be replaced by a 1.0 card). Nothing (or `{}`) keeps the card as it is.
 */
export type CardAnswer = {
  readonly toast?: CardToast;
  readonly card?: JsonObject;
};

/**
 * Handles one verified click. Answered within 2.5 s, its toast and card are shown at once; later,
 * only its card is applied (through the delayed-update API), and its toast is lost.
 */
export type CardActionHandler = (callback: CardCallback, context: { readonly connection: string }) => Promise<CardAnswer | undefined>;

/**
 * Which clicks a handler takes: a predicate over the callback, or a string `key`, matching a
 * click whose `action.value` is an object with the own property `key` (the usual
 * `{"value": {"approve": "req-42"}}` of a button) or is the string `key` itself.
 */
export type CardActionMatch = ((callback: CardCallback) => boolean) | string;

export type CardActions = {
  on(match: CardActionMatch, handler: CardActionHandler): void;
  /** The handler of the first registration matching the callback. */
  handlerFor(callback: CardCallback): CardActionHandler | undefined;
};

/**
 * The card-action handler registry of the gateway: capabilities say which clicks they handle.
 * Registrations are tried in order and the first match handles the click alone, since a click
 * has one answer.
 *
 * @example
 * const actions = createCardActions();
 * actions.on('approve', async (callback) => ({ toast: { type: 'success', content: 'Approved' } }));
 * actions.on((callback) => callback.action['tag'] === 'select_static', pickOption);
 */
export function createCardActions(): CardActions {
  const entries: { matches: (callback: CardCallback) => boolean; handler: CardActionHandler }[] = [];
  return {
    on(match, handler) {
      entries.push({ matches: typeof match === 'string' ? (callback) => hasValueKey(callback.action, match) : match, handler });
    },
    handlerFor: (callback) => entries.find((entry) => entry.matches(callback))?.handler,
  };
}

function hasValueKey(action: JsonObject, key: string): boolean {
  const value = action['value'];
  return value === key || (isJsonObject(value) && Object.hasOwn(value, key));
}
