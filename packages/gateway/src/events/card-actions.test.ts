import { describe, expect, it } from 'vitest';
import { createCardActions, type CardActionHandler } from './card-actions.ts';
import type { CardCallback } from './open-card-callback.ts';

function click(action: Record<string, unknown>): CardCallback {
  return {
    kind: 'card',
    style: 'v2',
    callbackId: 'cb-1',
    token: 'c-1',
    openMessageId: 'om_1',
    openChatId: 'oc_1',
    operator: { openId: 'ou_1', userId: undefined, unionId: undefined, tenantKey: 't' },
    action,
    createdAt: 0,
    stale: false,
    payload: {},
  };
}

const handler = (): CardActionHandler => async () => undefined;

describe('card action registry', () => {
  it('matches a string against a key of an object value, or a string value itself', () => {
    const actions = createCardActions();
    const approve = handler();
    actions.on('approve', approve);
    expect(actions.handlerFor(click({ tag: 'button', value: { approve: 'req-42' } }))).toBe(approve);
    expect(actions.handlerFor(click({ tag: 'button', value: 'approve' }))).toBe(approve);
    expect(actions.handlerFor(click({ tag: 'button', value: { reject: 'approve' } }))).toBeUndefined();
    // Inherited properties are not keys of the value.
    const cunning = createCardActions();
    cunning.on('toString', handler());
    expect(cunning.handlerFor(click({ tag: 'button', value: {} }))).toBeUndefined();
    expect(actions.handlerFor(click({ tag: 'button' }))).toBeUndefined();
  });

  it('gives the first matching registration, predicates included', () => {
    const actions = createCardActions();
    const select = handler();
    const anyButton = handler();
    const never = handler();
    actions.on((callback) => callback.action['tag'] === 'select_static', select);
    actions.on((callback) => callback.action['tag'] === 'button', anyButton);
    actions.on('approve', never);
    expect(actions.handlerFor(click({ tag: 'select_static', value: {}, option: 'a' }))).toBe(select);
    expect(actions.handlerFor(click({ tag: 'button', value: { approve: 1 } }))).toBe(anyButton);
    expect(actions.handlerFor(click({ tag: 'input', value: { approve: 1 } }))).toBe(never);
  });
});
