import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../log/index.ts';
import type { CardActions, CardAnswer } from './card-actions.ts';
import { cardAnswerBody } from './card-answer-body.ts';
import type { CardMetrics } from './create-card-metrics.ts';
import type { CardCallback } from './open-card-callback.ts';
import { sendDelayedCardUpdate } from './send-delayed-card-update.ts';

/**
 * How long a handler may take before the callback is answered `{}` without it. Feishu's client
 * gives up at 3 s (platform doc §4.1); the rest is for the network and the answer itself.
 */
export const CARD_ANSWER_BUDGET_MS = 2_500;

export type CardAnswerContext = {
  readonly connection: string;
  readonly actions: CardActions;
  /** The SDK client of the connection, for delayed updates. */
  readonly client: (connection: string) => lark.Client;
  readonly metrics: CardMetrics;
  readonly logger: Logger;
  readonly budgetMs?: number;
};

type Settled = { readonly kind: 'answered'; readonly answer: CardAnswer | undefined } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'late' };

/**
 * Runs the first matching handler of a verified callback for at most the budget and says what to
 * answer, whichever transport brought it (HTTP, or the long connection, where the answer travels in
 * the ack): in time, its toast and card; too late, `{}` now and its card, once ready, through the
 * delayed-update API; failed or no handler, `{}` — Feishu would show the person an error otherwise,
 * and there is nothing they could do about it.
 */
export async function answerCardCallback(callback: CardCallback, context: CardAnswerContext): Promise<{ outcome: 'answered' | 'failed' | 'deferred' | 'no_handler'; body: object }> {
  const handler = context.actions.handlerFor(callback);
  if (handler === undefined) return { outcome: 'no_handler', body: {} };
  const running = (async () => await handler(callback, { connection: context.connection }))();
  const settled = await withinBudget(running, context.budgetMs ?? CARD_ANSWER_BUDGET_MS);
  if (settled.kind === 'answered') return { outcome: 'answered', body: cardAnswerBody(callback.style, settled.answer) };
  if (settled.kind === 'failed') {
    context.logger.warn({ callbackId: callback.callbackId, err: settled.error }, 'card handler failed; answered {} so the card stays as it was');
    return { outcome: 'failed', body: {} };
  }
  void finishLater(running, callback, context);
  return { outcome: 'deferred', body: {} };
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
async function finishLater(running: Promise<CardAnswer | undefined>, callback: CardCallback, context: CardAnswerContext): Promise<void> {
  const { metrics } = context;
  const logger = context.logger.child({ callbackId: callback.callbackId });
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
    await sendDelayedCardUpdate(context.client(context.connection), callback, result.card);
    metrics.deferred.inc({ result: 'updated' });
    logger.info('card updated after the callback (delayed update)');
  } catch (error) {
    metrics.deferred.inc({ result: 'update_failed' });
    logger.warn({ err: error }, 'delayed card update failed');
  }
}
