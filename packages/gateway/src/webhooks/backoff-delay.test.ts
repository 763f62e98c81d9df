import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff-delay.ts';
import { defaultWebhookTiming } from './create-webhooks.ts';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 5_000, capMs: 3_600_000 };

  it('doubles from the base delay, jittered down by at most a quarter', () => {
    expect([1, 2, 3, 4].map((attempts) => backoffDelayMs(attempts, policy, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((attempts) => backoffDelayMs(attempts, policy, () => 0))).toEqual([3_750, 7_500, 15_000, 30_000]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempts of [11, 12, 50, 10_000]) expect(backoffDelayMs(attempts, policy, () => 1)).toBe(3_600_000);
  });

  it('keeps retrying for at least a day with the default timing', () => {
    // Attempts continue until the window has passed; the cap bounds the gap between them.
    expect(defaultWebhookTiming.retryWindowMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(defaultWebhookTiming.backoff.capMs).toBeLessThanOrEqual(defaultWebhookTiming.retryWindowMs / 4);
    expect(defaultWebhookTiming.attemptTimeoutMs).toBe(10_000);
  });
});
