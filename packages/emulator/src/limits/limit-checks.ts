import type { Context } from 'hono';
import { imStoreOf } from '../open-apis/im/message-store.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { Classified } from './classify-request.ts';
import { messageTargetCheck } from './message-target-check.ts';
import type { LimitCheck } from './rate-limiter.ts';
import { namedApp, tokenCaller } from './token-caller.ts';

/**
 * The counters a classified call must pass, or an empty list when the call cannot be attributed
 * (no valid token, unknown client, unknown custom bot): such calls are not counted and the route
 * refuses them.
 */
export async function limitChecks(state: EmulatorState, c: Context, classified: Classified): Promise<LimitCheck[]> {
  const { policy, params } = classified;
  if (policy.caller === 'hook') {
    const hook = params['hook_token'] ?? '';
    // Only real hooks get a counter, so a scan of made-up tokens cannot fill the table.
    if (!imStoreOf(state).hooks.has(hook)) return [];
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
  const target = policy.target === undefined ? undefined : await messageTargetCheck(state, c, record, classified);
  if (target !== undefined) checks.push(target);
  return checks;
}

function appCheck(api: string, appId: string, tenantKey: string | undefined, limits: LimitCheck['limits']): LimitCheck {
  return { key: `app|${api}|${appId}|${tenantKey ?? ''}`, api, scope: 'app', appId, tenantKey, subject: undefined, limits, refusal: 'gateway' };
}
