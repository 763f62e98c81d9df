import { describe, expect, it } from 'vitest';
import { cardAnswerBody } from './card-answer-body.ts';

const toast = { type: 'success', content: 'Done', i18n: { en_us: 'Done', zh_cn: '完成' } } as const;
const card = { schema: '2.0', body: { elements: [] } };

describe('card callback answer body', () => {
  it('wraps a v2 card as raw card data beside the toast', () => {
    expect(cardAnswerBody('v2', { toast, card })).toEqual({ toast, card: { type: 'raw', data: card } });
    expect(cardAnswerBody('v2', { toast })).toEqual({ toast });
    expect(cardAnswerBody('v2', { card })).toEqual({ card: { type: 'raw', data: card } });
  });

  it('answers a legacy callback with the card itself, the toast beside its fields', () => {
    expect(cardAnswerBody('legacy', { toast, card })).toEqual({ ...card, toast });
    expect(cardAnswerBody('legacy', { card })).toEqual(card);
    expect(cardAnswerBody('legacy', { toast })).toEqual({ toast });
  });

  it('answers {} (never an empty body) when there is nothing to show', () => {
    for (const style of ['v2', 'legacy'] as const) {
      expect(cardAnswerBody(style, undefined)).toEqual({});
      expect(cardAnswerBody(style, {})).toEqual({});
    }
  });
});
