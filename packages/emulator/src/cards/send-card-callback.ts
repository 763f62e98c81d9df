import type http from 'node:http';
import type https from 'node:https';
import { eventRequest, hasEncryptKey } from '../events/event-request.ts';
import { legacyCallbackRequest } from '../events/legacy-callback-request.ts';
import { postJson, type PostResult } from '../events/post-json.ts';
import type { LongConnectionHub } from '../long-connection/long-connection-hub.ts';
import { recordCardState, type StoredMessage } from '../open-apis/im/message-store.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { cardActionTrigger, legacyCardAction, type CardClick } from './card-callback-payload.ts';
import { CARD_CLIENT_CODES } from './card-client-codes.ts';
import { cardStoreOf, recordCallback, rememberToken, type CardCallbackRecord } from './card-store.ts';
import { readLegacyAnswer, readV2Answer } from './read-callback-answer.ts';
import { checkReplacementCard, replaceCard } from './replacement-card.ts';

/** A callback must be answered with HTTP 200 within 3 s, with 2 s to connect; no retry (§4.1). Real time. */
export const CALLBACK_TIMEOUT_MS = 3_000;
export const CALLBACK_CONNECT_TIMEOUT_MS = 2_000;
/** An update token allows delayed updates for 30 minutes (interactive/v1/card/update). */
export const CARD_TOKEN_TTL_MS = 30 * 60_000;

/** How callbacks reach apps: HTTP agents for the card request URL, the hub for long connections. */
export type CallbackTransport = {
  /** Undefined until the long-connection transport is wired in: apps in websocket mode then get 200340. */
  readonly hub: LongConnectionHub | undefined;
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
};

/** What came back on the wire: the parsed answer, or the client-visible failure. */
type Exchange = {
  readonly responseStatus: number | null;
  readonly responseBody: string | null;
  readonly durationMs: number;
} & ({ readonly answer: unknown } | { readonly failure: { readonly code: number; readonly error: string } });

/**
 * Sends the callback of one click to the app that sent the card and applies its answer: the
 * toast is recorded, a card replaces the message's card. Synchronous as in Feishu: one attempt,
 * no retry. Every callback is logged (`GET /_emulator/cards/callbacks`) and the message's
 * `card_state` shows the latest one. Never rejects for a failure of the app's side.
 */
export async function sendCardCallback(state: EmulatorState, transport: CallbackTransport, click: CardClick, message: StoredMessage): Promise<CardCallbackRecord> {
  // Captured now: a reset while the callback is in flight must not put it into the new world.
  const store = cardStoreOf(state);
  const { app } = click;
  const time = state.clock.now();
  const mode = app.callbackMode;
  // Old-style callbacks never travel over a long connection (§4.2); the control API refuses that set-up.
  const style = mode === 'websocket' ? 'v2' : app.cardCallbackStyle;
  const callbackId = state.random.hex(32);
  const payload = style === 'v2' ? cardActionTrigger(click, { eventId: callbackId, createTime: time }) : legacyCardAction(click);
  rememberToken(store, { token: click.token, appId: app.appId, messageId: click.messageId, userId: click.user.userId, expiresAt: time + CARD_TOKEN_TTL_MS, uses: 0 }, time);

  const url = mode === 'http' ? (app.cardRequestUrl ?? '') : null;
  const exchange =
    url === null
      ? await overLongConnection(transport.hub, app.appId, payload, callbackId)
      : await overHttp(url, style === 'v2' ? eventRequest(app, payload, time) : legacyCallbackRequest(app, payload, time), transport.agents);

  const outcome = settle(state, style, exchange, message);
  const record: CardCallbackRecord = {
    callback_id: callbackId,
    app_id: app.appId,
    message_id: click.messageId,
    chat_id: click.chat.chatId,
    tenant_key: click.tenant.tenantKey,
    user_id: click.user.userId,
    style,
    mode,
    url,
    time,
    request: payload,
    encrypted: url !== null && style === 'v2' && hasEncryptKey(app),
    response_status: exchange.responseStatus,
    response_body: exchange.responseBody,
    ...outcome,
    token: click.token,
    duration_ms: exchange.durationMs,
  };
  recordCallback(store, record);
  recordCardState(state, click.messageId, {
    last_toast: record.toast,
    last_action: { callback_id: callbackId, user_id: click.user.userId, tag: click.action.tag, value: click.action.value, time, status: record.status, error_code: record.error_code },
    updated_by_callback: record.card_updated,
  });
  return record;
}

type Settled = Pick<CardCallbackRecord, 'status' | 'error_code' | 'error' | 'toast' | 'card_updated'>;

/** Applies the app's answer to the message, or says why the client would show an error. */
function settle(state: EmulatorState, style: 'v2' | 'legacy', exchange: Exchange, message: StoredMessage): Settled {
  const failed = (code: number, error: string): Settled => ({ status: 'failed', error_code: code, error, toast: null, card_updated: false });
  if ('failure' in exchange) return failed(exchange.failure.code, exchange.failure.error);
  const answer = style === 'v2' ? readV2Answer(exchange.answer) : readLegacyAnswer(exchange.answer);
  if (!answer.ok) return failed(answer.code, answer.error);
  // The client shows the toast only when the whole interaction succeeded.
  const answered = (cardUpdated: boolean): Settled => ({ status: 'answered', error_code: null, error: null, toast: answer.toast ?? null, card_updated: cardUpdated });
  if (answer.card === undefined) return answered(false);
  const checked = checkReplacementCard(message, answer.card);
  if ('problem' in checked) return failed(checked.problem === 'downgrade' ? CARD_CLIENT_CODES.schemaDowngrade : CARD_CLIENT_CODES.badCard, checked.detail);
  replaceCard(message, checked.content, state.clock.now());
  return answered(true);
}

async function overHttp(url: string, request: { body: string; headers: Record<string, string> }, agents: CallbackTransport['agents']): Promise<Exchange> {
  const result = await postJson(url, request.body, request.headers, { timeoutMs: CALLBACK_TIMEOUT_MS, connectTimeoutMs: CALLBACK_CONNECT_TIMEOUT_MS, agents });
  const seen = { responseStatus: result.status ?? null, responseBody: result.status === undefined ? null : result.body, durationMs: result.durationMs };
  if (result.status === undefined) return { ...seen, failure: postFailure(result) };
  if (result.status !== 200) return { ...seen, failure: { code: CARD_CLIENT_CODES.notOk, error: `expected HTTP 200, got ${result.status}` } };
  try {
    return { ...seen, answer: JSON.parse(result.body) as unknown };
  } catch {
    return { ...seen, failure: { code: CARD_CLIENT_CODES.badResponse, error: result.body === '' ? 'the answer is empty (answer {} to keep the card)' : 'the answer is not JSON' } };
  }
}

/** The client-visible code for a request that got no answer (post-json's error texts). */
function postFailure(result: PostResult): { code: number; error: string } {
  const error = result.error ?? 'no answer';
  if (error.startsWith('timeout')) return { code: CARD_CLIENT_CODES.timeout, error };
  if (error.startsWith('invalid url')) return { code: CARD_CLIENT_CODES.notConfigured, error };
  if (/^(connect timeout|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)/.test(error)) return { code: CARD_CLIENT_CODES.connectFailed, error };
  if (/^(ENOTFOUND|EAI_AGAIN)/.test(error)) return { code: CARD_CLIENT_CODES.dnsFailed, error };
  return { code: CARD_CLIENT_CODES.requestFailed, error };
}

/**
 * A callback over the app's long connection: an event frame to one client, whose ack carries the
 * answer base64-encoded in `data` (platform doc §5.2). An ack without `data` (the handler
 * returned nothing) keeps the card, as `{}` would.
 */
async function overLongConnection(hub: LongConnectionHub | undefined, appId: string, payload: Record<string, unknown>, eventId: string): Promise<Exchange> {
  if (hub === undefined) return { responseStatus: null, responseBody: null, durationMs: 0, failure: { code: CARD_CLIENT_CODES.notConfigured, error: 'the long-connection transport is not available' } };
  const outcome = await hub.push(appId, payload, { eventId, eventType: 'card.action.trigger' });
  const seen = { responseStatus: outcome.ackCode, responseBody: outcome.data === null ? null : JSON.stringify(outcome.data), durationMs: Math.round(outcome.durationMs) };
  if (outcome.connectionId === null) return { ...seen, failure: { code: CARD_CLIENT_CODES.notConfigured, error: outcome.error ?? 'no long-connection client of the app is connected' } };
  if (outcome.ackCode === null) return { ...seen, failure: { code: CARD_CLIENT_CODES.timeout, error: outcome.error ?? 'no ack within 3 s' } };
  if (outcome.ackCode !== 200) return { ...seen, failure: { code: CARD_CLIENT_CODES.notOk, error: `the ack's code was ${outcome.ackCode}` } };
  return { ...seen, answer: outcome.data ?? {} };
}
