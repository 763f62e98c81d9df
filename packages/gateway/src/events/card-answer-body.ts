import type { CardAnswer } from './card-actions.ts';
import type { JsonObject } from './json-object.ts';

/**
 * The HTTP answer to a card callback for a handler's result, in the callback's style
 * (platform doc §4.1–4.2). v2: `{toast?, card?: {type: "raw", data: card}}`. Legacy: the
 * replacement card itself with `toast` beside its fields. `{}` keeps the card in both; an empty
 * body would be a malformed answer (client error 200672).
 *
 * @example
 * cardAnswerBody('v2', { toast: { type: 'success', content: 'Done' } }) // { toast: { type: 'success', content: 'Done' } }
 * cardAnswerBody('legacy', { card: { elements: [] } })                  // { elements: [] }
 */
export function cardAnswerBody(style: 'v2' | 'legacy', answer: CardAnswer | undefined): JsonObject {
  const toast = answer?.toast === undefined ? {} : { toast: answer.toast };
  if (answer?.card === undefined) return toast;
  return style === 'v2' ? { ...toast, card: { type: 'raw', data: answer.card } } : { ...answer.card, ...toast };
}
