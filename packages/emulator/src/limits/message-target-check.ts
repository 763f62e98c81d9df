import type { Context } from 'hono';
import { imStoreOf } from '../open-apis/im/message-store.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { findUserByAnyId } from '../state/find-user-by-any-id.ts';
import { isUserIdType } from '../state/ids.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { Classified } from './classify-request.ts';
import type { LimitCheck } from './rate-limiter.ts';
import { TIERS } from './rate-limit-policies.ts';
import { jsonBody } from './token-caller.ts';

/**
 * The label of the per-user and per-chat counters. Create, reply and edit all send into a chat
 * (platform doc §7.1, §10), so they share one counter per target and no single API names it.
 */
export const MESSAGE_SEND_API = 'im.v1.message';

/**
 * IM's narrower cap for a classified call, beside the per-app one (§7.1, §7.2, §10): 5 QPS per
 * receiving user (per app) and 5 QPS per group chat (shared by every bot), counted alike for
 * `message.create`, `message.reply` and `message.update`, which all land in a chat; plus 5 QPS per
 * patched card. A p2p chat stands for its user, so a reply in it shares the user's counter with a
 * create sent to that user. Undefined when the target is unknown: the route refuses such a call.
 *
 * @example
 * // A reply to a message of group oc_1 counts against `chat|<tenant>|oc_1`, like a create to oc_1.
 */
export async function messageTargetCheck(state: EmulatorState, c: Context, record: TokenRecord, { policy, params }: Classified): Promise<LimitCheck | undefined> {
  const tenantKey = record.tenantKey ?? '';
  if (policy.target === 'patched-message') {
    const messageId = params['message_id'] ?? '';
    return { key: `message|${tenantKey}|${messageId}`, api: policy.api, scope: 'message', appId: undefined, tenantKey: record.tenantKey, subject: messageId, limits: TIERS.perTarget, refusal: 'im' };
  }
  if (policy.target === 'message-chat') {
    const message = imStoreOf(state).messages.get(params['message_id'] ?? '');
    if (message === undefined || message.tenantKey !== record.tenantKey) return undefined;
    return chatCheck(state, record, message.chatId);
  }
  const idType = c.req.query('receive_id_type');
  const receiveId = (await jsonBody(c))['receive_id'];
  if (idType === undefined || typeof receiveId !== 'string' || receiveId === '') return undefined;
  if (idType === 'chat_id') return chatCheck(state, record, receiveId);
  return userCheck(record, resolveUserId(state, record, idType, receiveId) ?? `${idType}:${receiveId}`);
}

/** The group's shared counter, or the user's for a p2p chat; undefined for a chat the tenant lacks. */
function chatCheck(state: EmulatorState, record: TokenRecord, chatId: string): LimitCheck | undefined {
  const chat = record.tenantKey === undefined ? undefined : state.tenants.get(record.tenantKey)?.chats.get(chatId);
  if (chat === undefined) return undefined;
  if (chat.chatType === 'p2p') {
    const [userId] = chat.memberUserIds;
    return userId === undefined ? undefined : userCheck(record, userId);
  }
  return { key: `chat|${chat.tenantKey}|${chatId}`, api: MESSAGE_SEND_API, scope: 'chat', appId: undefined, tenantKey: record.tenantKey, subject: chatId, limits: TIERS.perTarget, refusal: 'im' };
}

function userCheck(record: TokenRecord, userId: string): LimitCheck {
  const tenantKey = record.tenantKey ?? '';
  return { key: `user|${record.appId}|${tenantKey}|${userId}`, api: MESSAGE_SEND_API, scope: 'user', appId: record.appId, tenantKey: record.tenantKey, subject: userId, limits: TIERS.perTarget, refusal: 'im' };
}

/**
 * The tenant-level user_id behind any receive id, found as `message.create` finds it, so an
 * open_id and an email of one person share a counter.
 */
function resolveUserId(state: EmulatorState, record: TokenRecord, idType: string, id: string): string | undefined {
  const app = state.apps.get(record.appId);
  const tenant = record.tenantKey === undefined ? undefined : state.tenants.get(record.tenantKey);
  const family = idType === 'email' ? 'email' : isUserIdType(idType) ? idType : undefined;
  if (app === undefined || tenant === undefined || family === undefined) return undefined;
  return findUserByAnyId(tenant, app, id, [family])?.userId;
}
