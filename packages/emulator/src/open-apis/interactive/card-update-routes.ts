import type { Hono } from 'hono';
import { cardStoreOf } from '../../cards/card-store.ts';
import { checkReplacementCard, replaceCard } from '../../cards/replacement-card.ts';
import { authenticate, requireScope } from '../../http/authenticate.ts';
import { readJson } from '../../http/read-json.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { openIdOf } from '../../state/ids.ts';
import { findChat } from '../im/chats.ts';
import { cardKind, isSharedCard } from '../im/message-content.ts';
import { imStoreOf, recordCardState } from '../im/message-store.ts';
import { cardUpdateErrors } from './card-errors.ts';

/** One callback's token allows this many delayed updates (uMDO1YjLzgTN24yM4UjN.md, 300040). */
export const CARD_TOKEN_USES = 2;

const scopes = ['im:message', 'im:message:send_as_bot', 'im:message:update'];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `POST /open-apis/interactive/v1/card/update`, the delayed update of a card after a callback
 * (im-v1/message-card/uMDO1YjLzgTN24yM4UjN.md): `{token: "c-…", card: {…, open_ids?}}` with a
 * tenant_access_token. The token of a callback allows two updates within 30 minutes of the
 * click (emulated clock). The answer is `{"code":0,"msg":"ok"}`.
 */
export function addCardUpdateRoutes(app: Hono, state: EmulatorState): void {
  app.post('/open-apis/interactive/v1/card/update', async (c) => {
    const caller = authenticate(state, c, ['tenant']);
    requireScope(caller.app, scopes);
    const body = await readJson(c);
    const token = body['token'];
    if (typeof token !== 'string' || !/^c-[0-9A-Za-z_-]+$/.test(token)) throw cardUpdateErrors.tokenFormat();
    const now = state.clock.now();
    const entry = cardStoreOf(state).tokens.get(token);
    const message = entry === undefined ? undefined : imStoreOf(state).messages.get(entry.messageId);
    if (entry === undefined || message === undefined || entry.expiresAt <= now) throw cardUpdateErrors.tokenExpired();
    if (entry.appId !== caller.app.appId || message.tenantKey !== caller.tenant.tenantKey) throw cardUpdateErrors.otherApp();
    if (entry.uses >= CARD_TOKEN_USES) throw cardUpdateErrors.tokenUsedUp();

    const given = body['card'];
    if (!isObject(given)) throw cardUpdateErrors.cardParam('card must be an object');
    const { open_ids: openIds, ...card } = given;
    const checked = checkReplacementCard(message, card);
    if ('problem' in checked) {
      if (checked.problem === 'downgrade') throw cardUpdateErrors.schemaDowngrade();
      throw checked.problem === 'too_large' ? cardUpdateErrors.cardTooLarge() : cardUpdateErrors.cardFormat(checked.detail);
    }
    // open_ids applies to exclusive 1.0 cards only, and is required there (300090).
    const exclusive = cardKind(card) === 'v1' && !isSharedCard(card);
    if (exclusive) {
      if (openIds === undefined) throw cardUpdateErrors.openIdsRequired();
      const members = new Set([...(findChat(state, message.chatId)?.chat.memberUserIds ?? [])].map((userId) => openIdOf(caller.app, message.tenantKey, userId)));
      if (!Array.isArray(openIds) || openIds.length === 0) throw cardUpdateErrors.badOpenIds('open_ids must be a non-empty list of open_ids');
      const stranger: unknown = openIds.find((openId) => typeof openId !== 'string' || !members.has(openId));
      if (stranger !== undefined) throw cardUpdateErrors.badOpenIds(`${JSON.stringify(stranger)} is not the open_id of someone who received the card`);
    }

    replaceCard(message, checked.content, now);
    entry.uses += 1;
    const previous = message.cardState?.['delayed_updates'];
    recordCardState(state, message.messageId, {
      delayed_updates: (typeof previous === 'number' ? previous : 0) + 1,
      last_delayed_update: { time: now, token_uses: entry.uses, ...(exclusive ? { open_ids: openIds } : {}) },
    });
    return c.json({ code: 0, msg: 'ok' });
  });
}
