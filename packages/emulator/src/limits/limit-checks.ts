import type { Context } from 'hono';
import { findUser } from '../state/ids.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { TokenRecord } from '../tokens/token-store.ts';
import type { Classified } from './classify-request.ts';
import type { LimitCheck } from './rate-limiter.ts';
import { TIERS } from './rate-limit-policies.ts';
import { jsonBody, namedApp, tokenCaller } from './token-caller.ts';

/**
 * The counters a classified call must pass, or an empty list when the call cannot be attributed
 * (no valid token, unknown client): such calls are not counted and the route refuses them.
 */
export async function limitChecks(state: EmulatorState, c: Context, classified: Classified): Promise<LimitCheck[]> {
  const { policy, params } = classified;
  if (policy.caller === 'hook') {
    const hook = params['hook_token'] ?? '';
    return [{ key: `hook|${policy.api}|${hook}`, api: policy.api, scope: 'hook', appId: undefined, tenantKey: undefined, subject: hook, limits: policy.limits, refusal: 'hook' }];
  }
  if (policy.caller === 'oauth-client') {
    const appId = await namedApp(state, c);
    if (appId === undefined) return [];
    return [appCheck(policy.api, appId, undefined, policy.limits)];
  }
  const record = tokenCaller(state, c);
  if (record === undefined) return [];
  const checks = [appCheck(policy.api, record.appId, record.tenantKey, policy.limits)];
  const target = policy.target === undefined ? undefined : await targetCheck(state, c, record, classified);
  if (target !== undefined) checks.push(target);
  return checks;
}

function appCheck(api: string, appId: string, tenantKey: string | undefined, limits: LimitCheck['limits']): LimitCheck {
  return { key: `app|${api}|${appId}|${tenantKey ?? ''}`, api, scope: 'app', appId, tenantKey, subject: undefined, limits, refusal: 'gateway' };
}

/**
 * IM's narrower caps (§7.1, §7.2): 5 QPS per receiving user (per app), 5 QPS per chat shared by
 * every bot in it, 5 QPS per patched card. A reply is counted against the message replied to,
 * standing in for that message's chat.
 */
async function targetCheck(state: EmulatorState, c: Context, record: TokenRecord, { policy, params }: Classified): Promise<LimitCheck | undefined> {
  const tenantKey = record.tenantKey ?? '';
  const base = { api: policy.api, tenantKey: record.tenantKey, limits: TIERS.perTarget, refusal: 'im' } as const;
  if (policy.target === 'patched-message' || policy.target === 'replied-message') {
    const messageId = params['message_id'] ?? '';
    const scope = policy.target === 'patched-message' ? 'message' : 'chat';
    return { ...base, key: `${scope}|${policy.target}|${tenantKey}|${messageId}`, scope, appId: undefined, subject: messageId };
  }
  const idType = c.req.query('receive_id_type');
  const receiveId = (await jsonBody(c))['receive_id'];
  if (idType === undefined || typeof receiveId !== 'string' || receiveId === '') return undefined;
  if (idType === 'chat_id') {
    return { ...base, key: `chat|${tenantKey}|${receiveId}`, scope: 'chat', appId: undefined, subject: receiveId };
  }
  const userId = resolveUserId(state, record, idType, receiveId) ?? `${idType}:${receiveId}`;
  return { ...base, key: `user|${record.appId}|${tenantKey}|${userId}`, scope: 'user', appId: record.appId, subject: userId };
}

/** The tenant-level user_id behind any receive id, so an open_id and an email of one person share a counter. */
function resolveUserId(state: EmulatorState, record: TokenRecord, idType: string, id: string): string | undefined {
  const app = state.apps.get(record.appId);
  const tenant = record.tenantKey === undefined ? undefined : state.tenants.get(record.tenantKey);
  if (app === undefined || tenant === undefined) return undefined;
  if (idType === 'email') return tenant.usersByEmail.get(id.toLowerCase());
  if (idType === 'open_id' || idType === 'union_id' || idType === 'user_id') return findUser(app, tenant, idType, id)?.userId;
  return undefined;
}
