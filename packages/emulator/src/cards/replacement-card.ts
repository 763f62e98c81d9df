import { FeishuError } from '../errors/feishu-error.ts';
import { cardKind, parseContent } from '../open-apis/im/message-content.ts';
import type { StoredMessage } from '../open-apis/im/message-store.ts';

/** Why a replacement card was refused: not a card, too large, or a 2.0 card turned into 1.0. */
export type ReplacementProblem = { readonly problem: 'invalid' | 'too_large' | 'downgrade'; readonly detail: string };

/**
 * Checks `card` as the new content of the card `message` (a callback's answer or a delayed
 * update) with the rules of message content (im-v1 create_json.md: shape, 30 KB), and that a
 * JSON 2.0 card (or CardKit entity) does not become a 1.0 card (§4.1, 200830). Returns the
 * content string to store.
 *
 * @example
 * const checked = checkReplacementCard(message, answer.card.data);
 * if ('problem' in checked) fail(checked.problem === 'downgrade' ? 200830 : 200673);
 */
export function checkReplacementCard(message: StoredMessage, card: Record<string, unknown>): { readonly content: string } | ReplacementProblem {
  const content = JSON.stringify(card);
  let next: Record<string, unknown>;
  try {
    next = parseContent('interactive', content);
  } catch (error) {
    if (!(error instanceof FeishuError)) throw error;
    return { problem: error.code === 230025 ? 'too_large' : 'invalid', detail: error.message };
  }
  const previousKind = cardKind(JSON.parse(message.content) as Record<string, unknown>);
  if ((previousKind === 'v2' || previousKind === 'card_entity') && cardKind(next) === 'v1') {
    return { problem: 'downgrade', detail: 'a card of schema 2.0 cannot be replaced by a 1.0 card' };
  }
  return { content };
}

/** Stores a checked replacement as the message's card. Card updates do not mark a message `updated` (only edits do). */
export function replaceCard(message: StoredMessage, content: string, now: number): void {
  message.content = content;
  message.updateTime = now;
}
