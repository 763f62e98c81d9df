import type { Context, Hono } from 'hono';
import { authenticate, requireScope, type Caller } from '../../http/authenticate.ts';
import { ok } from '../../http/ok.ts';
import { readJson } from '../../http/read-json.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { isUserIdType } from '../../state/ids.ts';
import { imErrors } from './im-errors.ts';
import { cardKind, isSharedCard, parseContent } from './message-content.ts';
import { imStoreOf } from './message-store.ts';
import { serializeMessage } from './serialize-message.ts';
import { prepareContent, readDraft, RECEIVE_ID_TYPES, requiredString, resolveReceiver, sendAsBot, visibleMessage, type ReceiveIdType } from './send-message.ts';

const base = '/open-apis/im/v1/messages';
const sendScopes = ['im:message', 'im:message:send_as_bot', 'im:message:send'];
const updateScopes = ['im:message', 'im:message:send_as_bot', 'im:message:update'];
const readScopes = ['im:message', 'im:message:readonly', 'im:message.history:readonly'];

/** Cards can be patched for 14 days after sending (message-card/patch.md, 230031). */
export const PATCH_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/** A message can be edited at most 20 times (im-v1/message/update.md, 230072). */
export const EDIT_LIMIT = 20;

/** IM v1 messages: send, reply, get, patch a card, edit text/post. */
export function addMessageRoutes(app: Hono, state: EmulatorState): void {
  const caller = (c: Context, scopes: readonly string[]): Caller => {
    const found = authenticate(state, c, ['tenant']);
    requireScope(found.app, scopes);
    return found;
  };

  app.post(base, async (c) => {
    const self = caller(c, sendScopes);
    const idType = c.req.query('receive_id_type');
    if (idType === undefined || idType === '') throw imErrors.fieldValidation('receive_id_type', 'is required');
    if (!(RECEIVE_ID_TYPES as readonly string[]).includes(idType)) throw imErrors.fieldValidation('receive_id_type', `must be one of ${RECEIVE_ID_TYPES.join(', ')}`);
    const body = await readJson(c);
    const receiveId = requiredString(body, 'receive_id');
    const draft = readDraft(body);
    const chat = resolveReceiver(state, self, idType as ReceiveIdType, receiveId);
    const message = sendAsBot(state, self, chat, draft, { rootId: undefined, parentId: undefined, threadId: undefined });
    return ok(c, serializeMessage(self.app, self.tenant, message));
  });

  app.post(`${base}/:message_id/reply`, async (c) => {
    const self = caller(c, sendScopes);
    const body = await readJson(c);
    const draft = readDraft(body);
    const { message: parent, chat } = visibleMessage(state, self, c.req.param('message_id'));
    const store = imStoreOf(state);
    const root = parent.rootId === undefined ? parent : (store.messages.get(parent.rootId) ?? parent);
    let threadId = parent.threadId ?? root.threadId;
    if (threadId === undefined && body['reply_in_thread'] === true) {
      // Replying in a thread turns the root message into the head of a new topic (thread-introduction.md).
      threadId = `omt_${state.random.hex(14)}`;
      root.threadId = threadId;
    }
    const message = sendAsBot(state, self, chat, draft, { rootId: root.messageId, parentId: parent.messageId, threadId });
    return ok(c, serializeMessage(self.app, self.tenant, message));
  });

  app.get(`${base}/:message_id`, (c) => {
    const self = caller(c, readScopes);
    const userIdType = c.req.query('user_id_type') ?? 'open_id';
    if (!isUserIdType(userIdType)) throw imErrors.fieldValidation('user_id_type', 'must be open_id, union_id or user_id');
    const { message } = visibleMessage(state, self, c.req.param('message_id'));
    return ok(c, { items: [serializeMessage(self.app, self.tenant, message, userIdType)] });
  });

  app.patch(`${base}/:message_id`, async (c) => {
    const self = caller(c, updateScopes);
    const body = await readJson(c);
    const content = requiredString(body, 'content');
    const { message } = visibleMessage(state, self, c.req.param('message_id'));
    if (message.msgType !== 'interactive') throw imErrors.invalidParam('only cards (msg_type interactive) can be patched');
    if (message.sender.type !== 'app' || message.sender.appId !== self.app.appId) throw imErrors.noPermission('only the app that sent the card can update it');
    const now = state.clock.now();
    if (now - message.createTime > PATCH_WINDOW_MS) throw imErrors.tooOldToUpdate();
    const next = parseContent('interactive', content);
    const previous = parseContent('interactive', message.content);
    const [previousKind, nextKind] = [cardKind(previous), cardKind(next)];
    if ((previousKind === 'v2' || previousKind === 'card_entity') && nextKind === 'v1') throw imErrors.invalidParam('a card of schema 2.0 cannot be updated to a 1.0 card');
    if (!isSharedCard(previous) || !isSharedCard(next)) {
      throw imErrors.invalidParam('both the sent card and the new card must set config.update_multi to true (shared card)');
    }
    message.content = content;
    message.updateTime = now;
    message.patchCount += 1;
    // The patch docs show `msg: "ok"` here, unlike the other message endpoints.
    return c.json({ code: 0, msg: 'ok', data: {} });
  });

  app.put(`${base}/:message_id`, async (c) => {
    const self = caller(c, updateScopes);
    const body = await readJson(c);
    const msgType = requiredString(body, 'msg_type');
    const content = requiredString(body, 'content');
    if (msgType !== 'text' && msgType !== 'post') throw imErrors.invalidParam('msg_type must be text or post');
    const { message, chat } = visibleMessage(state, self, c.req.param('message_id'));
    if (message.sender.type !== 'app' || message.sender.appId !== self.app.appId) throw imErrors.notSender();
    if (message.msgType !== 'text' && message.msgType !== 'post') throw imErrors.unsupportedMessageType();
    if (message.editCount >= EDIT_LIMIT) throw imErrors.editLimit();
    const prepared = prepareContent(self.app, self.tenant, chat, msgType, content);
    message.msgType = msgType;
    message.content = prepared.content;
    message.mentions = prepared.mentions;
    message.updateTime = state.clock.now();
    message.updated = true;
    message.editCount += 1;
    return ok(c, serializeMessage(self.app, self.tenant, message));
  });
}
