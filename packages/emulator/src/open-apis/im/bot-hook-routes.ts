import type { Hono } from 'hono';
import { tryReadJson, type JsonRead } from '../../http/read-json.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { hookErrors } from './hook-errors.ts';
import { cardKind } from './message-content.ts';
import { appendMessage, imStoreOf, type BotHook } from './message-store.ts';
import { verifyHookSignature } from './verify-hook-signature.ts';

/** Custom bot messages up to 30 KB (19036 above; api-call-guide error codes). */
export const HOOK_BODY_LIMIT_BYTES = 30 * 1024;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Group custom bots: `POST /open-apis/bot/v2/hook/:token` with `{msg_type, content: {…}}` (content
 * an object, unlike the Open API) or `{msg_type: "interactive", card: {…}}`, optionally signed.
 */
export function addBotHookRoutes(app: Hono, state: EmulatorState): void {
  app.post('/open-apis/bot/v2/hook/:token', async (c) => {
    deliver(state, c.req.param('token'), await c.req.text(), await tryReadJson(c));
    return c.json({ code: 0, msg: 'success', data: {} }, 200);
  });
}

function deliver(state: EmulatorState, token: string, raw: string, read: JsonRead): void {
  const store = imStoreOf(state);
  const hook = store.hooks.get(token);
  if (hook === undefined) throw hookErrors.unknownToken();
  // An empty body is as bad as malformed JSON here: a hook call must at least name its msg_type.
  if ('problem' in read) throw hookErrors.badRequest();
  const { body } = read;
  if (hook.secret !== undefined && !verifyHookSignature({ timestamp: body['timestamp'], sign: body['sign'], secret: hook.secret, nowMs: state.clock.now() })) {
    throw hookErrors.signatureMismatch();
  }
  const msgType = body['msg_type'];
  if (typeof msgType !== 'string' || msgType === '') throw hookErrors.paramsError('msg_type need');
  if (Buffer.byteLength(raw) > HOOK_BODY_LIMIT_BYTES) throw hookErrors.tooLarge();
  const content = hookContent(msgType, body);
  if (content === undefined) throw hookErrors.badRequest();
  deliverAs(state, hook, msgType, content);
}

function deliverAs(state: EmulatorState, hook: BotHook, msgType: string, content: Json): void {
  const now = state.clock.now();
  appendMessage(imStoreOf(state), {
    messageId: `om_${state.random.hex(32)}`,
    tenantKey: hook.tenantKey,
    chatId: hook.chatId,
    sender: { type: 'custom_bot', hookToken: hook.token },
    msgType,
    content: JSON.stringify(content),
    mentions: [],
    createTime: now,
    updateTime: now,
    rootId: undefined,
    parentId: undefined,
    threadId: undefined,
    updated: false,
    editCount: 0,
    patchCount: 0,
    uuid: undefined,
    cardState: undefined,
  });
}

/** The hook body's message, turned into the content shape the Open API uses, or undefined if malformed. */
function hookContent(msgType: string, body: Json): Json | undefined {
  const content = isObject(body['content']) ? body['content'] : undefined;
  switch (msgType) {
    case 'text':
      return typeof content?.['text'] === 'string' ? { text: content['text'] } : undefined;
    case 'post':
      return isObject(content?.['post']) && Object.keys(content['post']).length > 0 ? content['post'] : undefined;
    case 'image':
      return typeof content?.['image_key'] === 'string' ? { image_key: content['image_key'] } : undefined;
    case 'share_chat':
      return typeof content?.['share_chat_id'] === 'string' ? { chat_id: content['share_chat_id'] } : undefined;
    case 'interactive': {
      const card = isObject(body['card']) ? body['card'] : undefined;
      return card !== undefined && cardKind(card) !== undefined ? card : undefined;
    }
    default:
      throw hookErrors.paramsError(`unsupported msg_type ${msgType}`);
  }
}
