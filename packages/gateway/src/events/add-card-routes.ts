import type * as lark from '@larksuiteoapi/node-sdk';
import type { Hono } from 'hono';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { readRawBody, type AppEnv } from '../http/index.ts';
import { answerCardCallback, CARD_ANSWER_BUDGET_MS } from './answer-card-callback.ts';
import type { CardActions } from './card-actions.ts';
import type { CardMetrics } from './create-card-metrics.ts';
import { openCardCallback } from './open-card-callback.ts';
import type { PushConnection } from './push-request.ts';

export type CardRouteDeps = {
  /** The secrets of a configured connection (a `FeishuConnectionConfig` will do). */
  readonly connection: (name: string) => PushConnection | undefined;
  readonly actions: CardActions;
  /** The SDK client of a connection, for delayed updates (`feishu.client`). */
  readonly client: (connection: string) => lark.Client;
  /** Callbacks are never retried by Feishu, so an older one is a replay and is answered `{}`. */
  readonly maxAgeMs: number;
  readonly metrics: CardMetrics;
  readonly budgetMs?: number;
  readonly now?: () => number;
};

/**
 * `POST /feishu/:connection/cards`, the card request URL pasted into the Feishu console. Verifies
 * the callback (v2 `card.action.trigger` or the legacy flat body, `openCardCallback`) and answers
 * with `answerCardCallback` (the handler's toast and card within the budget, else `{}` and a
 * delayed update). Callbacks are not stored: Feishu never retries them.
 */
export function addCardRoutes(deps: CardRouteDeps): (app: Hono<AppEnv>) => void {
  const now = deps.now ?? Date.now;
  const budgetMs = deps.budgetMs ?? CARD_ANSWER_BUDGET_MS;
  const { metrics } = deps;
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
      const { outcome, body } = await answerCardCallback(opened, { connection: name, actions: deps.actions, client: deps.client, metrics, logger: logger.child(fields), budgetMs });
      return answer(outcome, body);
    });
  };
}
