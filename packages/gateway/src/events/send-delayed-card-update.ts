import * as lark from '@larksuiteoapi/node-sdk';
import { isJsonObject, type JsonObject } from './json-object.ts';
import type { CardCallback } from './open-card-callback.ts';

/** The delayed update call (im-v1/message-card/uMDO1YjLzgTN24yM4UjN.md); the SDK has no method for it. */
const CARD_UPDATE_URL = '/open-apis/interactive/v1/card/update';

/**
 * Replaces the card a callback came from, after the callback was answered, with the callback's
 * update token (valid 30 minutes, for at most two updates: platform doc §4.1). An exclusive 1.0
 * card (`config.update_multi` not true) must name whose copy changes; unless the card says so
 * with `open_ids`, that is the person who clicked. Rejects with the client's error
 * (`FeishuApiError` with Feishu's code, e.g. 300030 for an expired token).
 *
 * @example
 * await sendDelayedCardUpdate(feishu.client('default'), callback, { schema: '2.0', body: { elements: [] } });
 */
export async function sendDelayedCardUpdate(client: lark.Client, callback: CardCallback, card: JsonObject): Promise<void> {
  const data = { token: callback.token, card: isExclusiveV1Card(card) && card['open_ids'] === undefined ? { ...card, open_ids: [callback.operator.openId] } : card };
  // A store app's token is per tenant; a self-built app's client ignores the tenant key.
  await client.request({ method: 'POST', url: CARD_UPDATE_URL, data }, lark.withTenantKey(callback.operator.tenantKey));
}

function isExclusiveV1Card(card: JsonObject): boolean {
  if (card['schema'] === '2.0' || card['type'] === 'template' || card['type'] === 'card') return false;
  const config = card['config'];
  return !(isJsonObject(config) && config['update_multi'] === true);
}
