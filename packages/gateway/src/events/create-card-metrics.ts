import { Counter, Histogram, type Registry } from 'prom-client';

export type CardMetrics = {
  /**
   * Card callbacks by connection and outcome: answered, deferred (the handler ran past the
   * budget), failed (it threw), no_handler, stale, challenge, or the refusal's error code.
   */
  readonly callbacks: Counter<'connection' | 'outcome'>;
  /** Time from a callback's arrival to its answer (Feishu gives up at 3 s), by outcome. */
  readonly answer: Histogram<'outcome'>;
  /** What became of deferred handlers: updated, update_failed, handler_failed, no_card. */
  readonly deferred: Counter<'result'>;
};

/** The card callback metrics (issue 6, items 7–8), on the gateway's registry. */
export function createCardMetrics(registry: Registry): CardMetrics {
  return {
    callbacks: new Counter({
      name: 'feishu_card_callbacks_total',
      help: 'Card action callbacks, by connection and outcome (answered, deferred, failed, no_handler, stale, challenge, or an error code).',
      labelNames: ['connection', 'outcome'] as const,
      registers: [registry],
    }),
    answer: new Histogram({
      name: 'feishu_card_callback_answer_seconds',
      help: 'Time to answer a card action callback (Feishu gives up at 3 s), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3],
      registers: [registry],
    }),
    deferred: new Counter({
      name: 'feishu_card_deferred_total',
      help: 'Card handlers that finished after the callback was answered, by result (updated, update_failed, handler_failed, no_card).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
