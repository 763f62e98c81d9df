import type * as lark from '@larksuiteoapi/node-sdk';
import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { readRawBody, type AppEnv } from '../http/index.ts';
import type { Logger } from '../log/index.ts';
import type { CardActions, CardAnswer } from './card-actions.ts';
import { cardAnswerBody } from './card-answer-body.ts';
import { createCardMetrics, type CardMetrics } from './create-card-metrics.ts';
import { openCardCallback, type CardCallback } from './open-card-callback.ts';
import type { PushConnection } from './push-request.ts';
import { sendDelayedCardUpdate } from './send-delayed-card-update.ts';

/**
 * How long a handler may take before the callback is answered `{}` without it. Feishu's client
 * gives up at 3 s (platform doc §4.1); the rest is for the network and the answer itself.
 */
export const CARD_ANSWER_BUDGET_MS = 2_500;

export type CardRouteDeps = {
  /** The secrets of a configured connection (a `FeishuConnectionConfig` will do). */
  readonly connection: (name: string) => PushConnection | undefined;
  readonly actions: CardActions;
  /** The SDK client of a connection, for delayed updates (`feishu.client`). */
  readonly client: (connection: string) => lark.Client;
  /** Callbacks are never retried by Feishu, so an older one is a replay and is answered `{}`. */
  readonly maxAgeMs: number;
  readonly registry: Registry;
  readonly budgetMs?: number;
  readonly now?: () => number;
};

type Settled = { readonly kind: 'answered'; readonly answer: CardAnswer | undefined } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'late' };

/**
 * `POST /feishu/:connection/cards`, the card request URL pasted into the Feishu console. Verifies
 * the callback (v2 `card.action.trigger` or the legacy flat body, `openCardCallback`), then runs
 * the first matching handler for at most the budget: in time, its toast and card are the answer;
 * too late, the answer is `{}` and its card, once ready, is applied with the delayed-update API.
 * A handler that fails is answered `{}` too: Feishu would show the person an error otherwise, and
 * there is nothing they could do about it. Callbacks are not stored: Feishu never retries them.
 */
export function addCardRoutes(deps: CardRouteDeps): (app: Hono<AppEnv>) => void {
  const now = deps.now ?? Date.now;
  const budgetMs = deps.budgetMs ?? CARD_ANSWER_BUDGET_MS;
  const metrics = createCardMetrics(deps.registry);
  return (app) => {
    app.post('/feishu/:connection/cards', async (c) => {
      const started = performance.now();
      const logger = c.get('logger');
      const name = c.req.param('connection');
      const counted = (outcome: string) => {
        metrics.callbacks.inc({ connection: name, outcome });
        metrics.answer.observe({ outcome }, (performance.now() - started) / 1000);
      };
      const connection = deps.connection(name);
      if (connection === undefined) throw new GatewayError('events.unknown_connection', `no Feishu connection is named "${name}"`);
      const rawBody = await readRawBody(c);
      const headers = Object.fromEntries([...c.req.raw.headers.entries()].map(([key, value]) => [key.toLowerCase(), value]));
      let opened: ReturnType<typeof openCardCallback>;
      try {
        opened = openCardCallback({ headers, rawBody }, connection, { now: now(), maxAgeMs: deps.maxAgeMs });
      } catch (error) {
        counted(isGatewayError(error) ? error.code : 'error');
        throw error;
      }
      if (opened.kind === 'challenge') {
        counted('challenge');
        return c.json({ challenge: opened.challenge });
      }

      const tag = opened.action['tag'];
      const fields = { connection: name, callbackId: opened.callbackId, style: opened.style, tag: typeof tag === 'string' ? tag : undefined };
      const answer = (outcome: string, body: object) => {
        counted(outcome);
        logger.info({ ...fields, outcome, ms: Math.round(performance.now() - started) }, 'card callback answered');
        return c.json(body);
      };
      if (opened.stale) {
        logger.warn({ ...fields, createdAt: new Date(opened.createdAt).toISOString() }, 'stale card callback ignored');
        return answer('stale', {});
      }
      const handler = deps.actions.handlerFor(opened);
      if (handler === undefined) return answer('no_handler', {});

      const running = (async () => await handler(opened, { connection: name }))();
      const settled = await withinBudget(running, budgetMs);
      if (settled.kind === 'answered') return answer('answered', cardAnswerBody(opened.style, settled.answer));
      if (settled.kind === 'failed') {
        logger.warn({ ...fields, err: settled.error }, 'card handler failed; answered {} so the card stays as it was');
        return answer('failed', {});
      }
      void finishLater(running, opened, { name, deps, metrics, logger: logger.child(fields) });
      return answer('deferred', {});
    });
  };
}

/** The handler's result if it comes within `budgetMs`. The timer is cleared either way. */
async function withinBudget(running: Promise<CardAnswer | undefined>, budgetMs: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled>((resolve) => (timer = setTimeout(() => resolve({ kind: 'late' }), budgetMs)));
  try {
    return await Promise.race([running.then((answer): Settled => ({ kind: 'answered', answer }), (error: unknown): Settled => ({ kind: 'failed', error })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for a handler that missed the budget and applies its card with the callback's update token. Never rejects. */
async function finishLater(running: Promise<CardAnswer | undefined>, callback: CardCallback, context: { name: string; deps: CardRouteDeps; metrics: CardMetrics; logger: Logger }): Promise<void> {
  const { metrics, logger } = context;
  let result: CardAnswer | undefined;
  try {
    result = await running;
  } catch (error) {
    metrics.deferred.inc({ result: 'handler_failed' });
    logger.warn({ err: error }, 'card handler failed after the callback was answered');
    return;
  }
  if (result?.card === undefined) {
    metrics.deferred.inc({ result: 'no_card' });
    // A toast can only travel in the callback's answer.
    if (result?.toast !== undefined) logger.info('late card handler gave a toast, which can no longer be shown');
    return;
  }
  try {
    await sendDelayedCardUpdate(context.deps.client(context.name), callback, result.card);
    metrics.deferred.inc({ result: 'updated' });
    logger.info('card updated after the callback (delayed update)');
  } catch (error) {
    metrics.deferred.inc({ result: 'update_failed' });
    logger.warn({ err: error }, 'delayed card update failed');
  }
}
