import { createHash, randomBytes } from 'node:crypto';
import type * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { FeishuApiError } from '../feishu/feishu-api-error.ts';
import { createHttpApp, createMetrics } from '../http/index.ts';
import { addCardRoutes } from './add-card-routes.ts';
import { createCardActions, type CardAnswer } from './card-actions.ts';
import { createCardMetrics } from './create-card-metrics.ts';
import type { PushConnection } from './push-request.ts';

const TOKEN = 'route-verification-token';
const connection: PushConnection = { name: 'default', encryptKey: undefined, verificationToken: TOKEN };
const exclusiveCard = { elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'Only yours' } }] };

/** An old-style callback, signed with SHA-1 over timestamp + nonce + Verification Token + body (platform doc §4.2). */
function legacyRequest(value: Record<string, unknown>): RequestInit {
  const body = JSON.stringify({ open_id: 'ou_clicker', open_message_id: 'om_1', tenant_key: 'tenant-1', token: 'c-abc', action: { tag: 'button', value } });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha1').update(timestamp + nonce + TOKEN + body).digest('hex');
  return { method: 'POST', body, headers: { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature } };
}

/**
 * The card route on an app with a 10 ms budget, and a client whose delayed updates are recorded
 * (and fail when `failUpdates` is set). Handlers are held on `released`, so they are always late.
 */
function setUp(options: { failUpdates?: boolean } = {}) {
  const log = createTestLogger({ level: 'info' });
  const metrics = createMetrics();
  const actions = createCardActions();
  const updates: { payload: unknown; options: unknown }[] = [];
  const client = {
    request: async (payload: unknown, requestOptions: unknown) => {
      updates.push({ payload, options: requestOptions });
      if (options.failUpdates === true) throw new FeishuApiError({ code: 300030, msg: 'token expired', logId: undefined, httpStatus: 400, api: 'interactive.v1.card.update' });
      return { code: 0, msg: 'ok' };
    },
  } as unknown as lark.Client;
  const routes = addCardRoutes({ connection: (name) => (name === 'default' ? connection : undefined), actions, client: () => client, maxAgeMs: 3_600_000, metrics: createCardMetrics(metrics.registry), budgetMs: 10 });
  const app = createHttpApp({ logger: log.logger, metrics, bodyLimitBytes: 65_536, readinessChecks: [], routes: [routes] });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const late = (answer: () => CardAnswer) => async () => {
    await released;
    return answer();
  };
  const post = async (value: Record<string, unknown>) => await app.request('/feishu/default/cards', legacyRequest(value));
  const deferred = async () => (await metrics.registry.getSingleMetricAsString('feishu_card_deferred_total')).split('\n').filter((line) => !line.startsWith('#'));
  return { log, actions, updates, late, release, post, deferred };
}

describe('card route: handlers that miss the budget', () => {
  it('answers {} at once and applies the late card, for the clicker alone on an exclusive 1.0 card', async () => {
    const { actions, updates, late, release, post, deferred } = setUp();
    actions.on('go', late(() => ({ card: exclusiveCard })));
    const response = await post({ go: true });
    expect(await response.json()).toEqual({});
    expect(updates).toHaveLength(0);

    release();
    await expect.poll(() => updates.length).toBe(1);
    expect(updates[0]?.payload).toEqual({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token: 'c-abc', card: { ...exclusiveCard, open_ids: ['ou_clicker'] } } });
    await expect.poll(deferred).toEqual(['feishu_card_deferred_total{result="updated"} 1']);
  });

  it('logs a delayed update Feishu refuses, and a late handler that fails, and drops a late toast', async () => {
    const { actions, log, late, release, post, deferred } = setUp({ failUpdates: true });
    actions.on('update', late(() => ({ card: { schema: '2.0', body: { elements: [] } } })));
    actions.on('fail', late(() => {
      throw new Error('late failure');
    }));
    actions.on('toast', late(() => ({ toast: { type: 'info', content: 'too late' } })));
    for (const value of [{ update: 1 }, { fail: 1 }, { toast: 1 }]) expect(await (await post(value)).json()).toEqual({});

    release();
    const results = ['handler_failed', 'no_card', 'update_failed'].map((result) => `feishu_card_deferred_total{result="${result}"} 1`);
    await expect.poll(async () => (await deferred()).sort()).toEqual(results);
    const messages = log.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['delayed card update failed', 'card handler failed after the callback was answered', 'late card handler gave a toast, which can no longer be shown']));
  });
});
