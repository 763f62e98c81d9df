import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import type { CardCallback } from './open-card-callback.ts';
import { sendDelayedCardUpdate } from './send-delayed-card-update.ts';

const callback = {
  kind: 'card',
  style: 'v2',
  callbackId: 'cb-1',
  token: 'c-token',
  openMessageId: 'om_1',
  openChatId: 'oc_1',
  operator: { openId: 'ou_clicker', userId: undefined, unionId: undefined, tenantKey: 'tenant-9' },
  action: {},
  createdAt: 0,
  stale: false,
  payload: {},
} satisfies CardCallback;

/** A client recording what the update sends, the data and the SDK's request options. */
function recordingClient() {
  const sent: { data: Record<string, unknown>; options: unknown }[] = [];
  const client = {
    request: async (payload: { data: Record<string, unknown> }, options: unknown) => {
      sent.push({ data: payload.data, options });
      return { code: 0, msg: 'ok' };
    },
  } as unknown as lark.Client;
  return { client, sent };
}

describe('delayed card update', () => {
  it('sends the card with the callback token, for the callback tenant', async () => {
    const { client, sent } = recordingClient();
    const card = { schema: '2.0', body: { elements: [] } };
    await sendDelayedCardUpdate(client, callback, card);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toEqual({ token: 'c-token', card });
    expect(sent[0]?.options).toEqual(lark.withTenantKey('tenant-9'));
    expect(sent[0]?.options).not.toEqual(lark.withTenantKey('tenant-8'));
  });

  it('names the clicker as the open_ids of an exclusive 1.0 card, unless the card names them', async () => {
    const { client, sent } = recordingClient();
    const exclusive = { config: { update_multi: false }, elements: [] };
    await sendDelayedCardUpdate(client, callback, exclusive);
    await sendDelayedCardUpdate(client, callback, { ...exclusive, open_ids: ['ou_other'] });
    await sendDelayedCardUpdate(client, callback, { config: { update_multi: true }, elements: [] });
    expect(sent.map((entry) => (entry.data['card'] as Record<string, unknown>)['open_ids'])).toEqual([['ou_clicker'], ['ou_other'], undefined]);
  });
});
