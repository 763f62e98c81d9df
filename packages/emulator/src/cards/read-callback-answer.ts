import { CARD_CLIENT_CODES } from './card-client-codes.ts';

/**
 * What an app's answer to a card callback asks for: a toast and/or a new card, or why the
 * answer is unusable (with the code Feishu's client would show).
 */
export type CallbackAnswer =
  | { readonly ok: true; readonly toast: Record<string, unknown> | undefined; readonly card: Record<string, unknown> | undefined }
  | { readonly ok: false; readonly code: number; readonly error: string };

const TOAST_TYPES = ['info', 'success', 'error', 'warning'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const refuse = (code: number, error: string): CallbackAnswer => ({ ok: false, code, error });

/**
 * Reads the answer to a `card.action.trigger` callback (cardkit-v1/card-callback-communication.md):
 * `{toast?, card?: {type: "raw", data: <card>} | {type: "template", data: {template_id, …}}}`.
 * `{}` keeps the card. A template answer becomes the template reference itself, which the
 * emulator stores as the card (it does not render templates).
 *
 * @example
 * readV2Answer({ toast: { type: 'success', content: 'Approved' } }) // { ok: true, toast: {…}, card: undefined }
 */
export function readV2Answer(answer: unknown): CallbackAnswer {
  if (!isObject(answer)) return refuse(CARD_CLIENT_CODES.badResponse, 'the answer is not a JSON object');
  const toast = readToast(answer['toast']);
  if (typeof toast === 'string') return refuse(CARD_CLIENT_CODES.badResponse, toast);
  const card = answer['card'];
  if (card === undefined) return { ok: true, toast, card: undefined };
  if (!isObject(card) || !isObject(card['data'])) return refuse(CARD_CLIENT_CODES.badCard, 'card must be {"type":"raw"|"template","data":{…}}');
  if (card['type'] === 'raw') return { ok: true, toast, card: card['data'] };
  if (card['type'] === 'template') return { ok: true, toast, card: { type: 'template', data: card['data'] } };
  return refuse(CARD_CLIENT_CODES.badCard, 'card.type must be raw or template');
}

/**
 * Reads the answer to an old-style callback: a whole replacement card, optionally with a `toast`
 * beside its fields, or `{}` to keep the card (§4.2).
 */
export function readLegacyAnswer(answer: unknown): CallbackAnswer {
  if (!isObject(answer)) return refuse(CARD_CLIENT_CODES.badResponse, 'the answer is not a JSON object');
  const { toast: givenToast, ...card } = answer;
  const toast = readToast(givenToast);
  if (typeof toast === 'string') return refuse(CARD_CLIENT_CODES.badResponse, toast);
  return { ok: true, toast, card: Object.keys(card).length === 0 ? undefined : card };
}

/** The toast, undefined without one, or what is wrong with it. */
function readToast(toast: unknown): Record<string, unknown> | undefined | string {
  if (toast === undefined) return undefined;
  if (!isObject(toast)) return 'toast must be an object';
  if (toast['type'] !== undefined && !TOAST_TYPES.includes(toast['type'] as string)) return `toast.type must be one of ${TOAST_TYPES.join(', ')}`;
  if (toast['content'] !== undefined && typeof toast['content'] !== 'string') return 'toast.content must be a string';
  if (toast['i18n'] !== undefined && !isObject(toast['i18n'])) return 'toast.i18n must be an object of locale to text';
  return toast;
}
