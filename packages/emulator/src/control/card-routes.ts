import http from 'node:http';
import https from 'node:https';
import type { Hono } from 'hono';
import { readCardAction } from '../cards/card-action.ts';
import { cardStoreOf } from '../cards/card-store.ts';
import { sendCardCallback } from '../cards/send-card-callback.ts';
import { controlError } from '../errors/control-error.ts';
import { readJson } from '../http/read-json.ts';
import type { LongConnectionHub } from '../long-connection/long-connection-hub.ts';
import { findChat } from '../open-apis/im/chats.ts';
import { imStoreOf } from '../open-apis/im/message-store.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { findUserByAnyId } from '../state/find-user-by-any-id.ts';
import type { Tenant, User } from '../state/types.ts';

/**
 * Card callbacks (issue 4, platform doc §4): `POST /_emulator/cards/click` makes a simulated user
 * press a button or submit a form on a card an app sent, and answers once the app has answered
 * the callback (or failed to); `GET /_emulator/cards/callbacks` lists the callbacks sent.
 * `hub` carries callbacks of apps in long-connection mode; without one they fail with 200340.
 */
export function addCardControlRoutes(app: Hono, state: EmulatorState, hub: LongConnectionHub | undefined): void {
  // Callbacks are rare and synchronous; fresh connections keep nothing open after a test.
  const transport = { hub, agents: { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) } };

  app.post('/_emulator/cards/click', async (c) => {
    const body = await readJson(c);
    const messageId = body['message_id'];
    if (typeof messageId !== 'string' || messageId === '') throw controlError(400, 'message_id is required');
    const message = imStoreOf(state).messages.get(messageId);
    if (message === undefined) throw controlError(404, `no message ${messageId}`);
    if (message.msgType !== 'interactive') throw controlError(400, `message ${messageId} is not a card (msg_type ${message.msgType})`);
    if (message.sender.type !== 'app') throw controlError(400, 'only cards sent by an app call back; this one was not sent by an app');
    const sender = state.apps.get(message.sender.appId);
    if (sender === undefined) throw controlError(404, `the app that sent the card (${message.sender.appId}) no longer exists`);
    const found = findChat(state, message.chatId);
    if (found === undefined) throw controlError(404, `the chat of message ${messageId} no longer exists`);
    const { tenant, chat } = found;
    const user = clicker(tenant, body);
    if (!chat.memberUserIds.has(user.userId)) throw controlError(400, `user ${user.userId} is not a member of the chat and cannot see the card`);
    const action = readCardAction(body['action']);
    if (sender.callbackMode === 'http' && (sender.cardRequestUrl === undefined || sender.cardRequestUrl === '')) {
      throw controlError(400, 'the app has no card_request_url for HTTP callbacks; set one with PATCH /_emulator/apps/:app_id');
    }
    const token = `c-${state.random.hex(40)}`;
    const record = await sendCardCallback(state, transport, { app: sender, tenant, chat, messageId, user, action, token }, message);
    return c.json({
      callback_id: record.callback_id,
      status: record.status,
      error_code: record.error_code,
      error: record.error,
      toast: record.toast,
      card_updated: record.card_updated,
      token: record.token,
    });
  });

  app.get('/_emulator/cards/callbacks', (c) => {
    const appId = c.req.query('app_id');
    const messageId = c.req.query('message_id');
    const items = cardStoreOf(state).callbacks.filter(
      (record) => (appId === undefined || appId === '' || record.app_id === appId) && (messageId === undefined || messageId === '' || record.message_id === messageId),
    );
    // Copies, so an answer handed out does not change with the log.
    return c.json({ items: items.map((record) => ({ ...record })) });
  });
}

/** The person clicking, by user_id or email in the card's tenant; a current member. */
function clicker(tenant: Tenant, body: Record<string, unknown>): User {
  const id = typeof body['user_id'] === 'string' ? body['user_id'] : typeof body['email'] === 'string' ? body['email'] : undefined;
  if (id === undefined || id === '') throw controlError(400, 'user_id or email is required');
  const user = findUserByAnyId(tenant, undefined, id, ['user_id', 'email']);
  if (user === undefined || user.deleted) throw controlError(404, `no user ${id} in tenant ${tenant.tenantKey}`);
  if (user.status.isResigned) throw controlError(400, `user ${id} has resigned`);
  return user;
}
