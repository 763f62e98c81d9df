import { describe, expect, it } from 'vitest';
import type { CreateEmulatorOptions, Emulator } from '../src/index.ts';
import { answeringChallenges, attemptsReach, deliveries, hire, rawReceiver, subscribe, type Delivery } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { control } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe('event push retries (platform doc §3.5)', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  /** The default app, without Encrypt Key, pointed at a receiver for contact.user.created_v3. */
  const setUp = async (options: CreateEmulatorOptions, answer: Parameters<typeof answeringChallenges>[0]) => {
    emulator = await perTest.start({ users: 5, ...options });
    const receiver = await rawReceiver(answeringChallenges(answer));
    perTest.track(receiver);
    const appId = emulator.defaultApp().appId;
    const patched = await subscribe(emulator, appId, receiver.url, ['contact.user.created_v3'], { encrypt_key: null });
    expect(patched.url_verification?.ok).toBe(true);
    return { receiver, appId, query: `?app_id=${appId}` };
  };
  const advance = (ms: number) => control(emulator!, 'POST', '/_emulator/clock/advance', { ms });
  const eventIdsOf = (requests: { body: string }[]) => requests.map((request) => (JSON.parse(request.body) as { header?: { event_id: string } }).header?.event_id).filter(Boolean);
  /**
   * Hires someone and waits until the push of that event is logged. The bus starts a due retry
   * within the clock advance that made it due, so once a later event's push is logged, such a
   * retry (of an event in `earlier`) would have been logged too. Returns the log.
   */
  const afterMarker = async (query: string, earlier: readonly string[]): Promise<Delivery[]> => {
    await hire(emulator!, { name: 'Marker' });
    return eventually(async () => {
      const items = await deliveries(emulator!, query);
      return items.some((item) => !earlier.includes(item.event_id)) ? items : undefined;
    });
  };

  it('retries a receiver answering 500 after 15 s, 5 min, 1 h and 6 h with the same event_id, then gives up', async () => {
    const { receiver, query } = await setUp({ seed: 21 }, () => ({ status: 500 }));
    await hire(emulator!, { name: 'Retried' });
    const [first] = await attemptsReach(emulator!, query, 1);
    expect(first).toMatchObject({ attempt: 1, status: 'retrying', http_status: 500 });
    expect(first!.next_attempt_at! - first!.time).toBeGreaterThanOrEqual(15 * SECOND);
    expect(first!.next_attempt_at! - first!.time).toBeLessThan(16 * SECOND);

    // Not yet due at 14 s: the retry's start time (emulated) below proves it waited for 15 s.
    await advance(14 * SECOND);
    const steps = [1 * SECOND, 5 * MINUTE, HOUR, 6 * HOUR];
    for (const [index, step] of steps.entries()) {
      await advance(step);
      await attemptsReach(emulator!, query, index + 2);
    }
    const attempts = await deliveries(emulator!, query);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'retrying'],
      [4, 'retrying'],
      [5, 'failed'],
    ]);
    for (const [index, retry] of attempts.slice(1).entries()) expect(retry.time).toBeGreaterThanOrEqual(attempts[index]!.next_attempt_at!);
    expect(new Set(attempts.map((attempt) => attempt.event_id)).size).toBe(1);
    expect(new Set(eventIdsOf(receiver.requests))).toEqual(new Set([attempts[0]!.event_id]));
    expect(receiver.requests.length).toBe(1 + 5);

    // A day later nothing more has been tried for the event that failed.
    await advance(24 * HOUR);
    const eventId = attempts[0]!.event_id;
    const log = await afterMarker(query, [eventId]);
    expect(log.filter((attempt) => attempt.event_id === eventId)).toHaveLength(5);
    expect(eventIdsOf(receiver.requests).filter((id) => id === eventId)).toHaveLength(5);
  });

  it('counts an answer slower than 3 s as a failure and succeeds on the retry', async () => {
    const { query } = await setUp({ seed: 22 }, (_request, index) => (index === 0 ? { delayMs: 3_200 } : {}));
    await hire(emulator!, { name: 'Slow' });
    const [first] = await attemptsReach(emulator!, query, 1, 6_000);
    expect(first).toMatchObject({ attempt: 1, status: 'retrying', http_status: null });
    expect(first!.error).toMatch(/timeout/);
    expect(first!.duration_ms).toBeGreaterThanOrEqual(2_900);
    await advance(15 * SECOND);
    const [, second] = await attemptsReach(emulator!, query, 2);
    expect(second).toMatchObject({ attempt: 2, status: 'delivered', http_status: 200, event_id: first!.event_id });
  });

  it('treats any status but 200 as a failure, 204 included', async () => {
    const { query } = await setUp({ seed: 23 }, () => ({ status: 204 }));
    await hire(emulator!, { name: 'NoContent' });
    const [first] = await attemptsReach(emulator!, query, 1);
    expect(first).toMatchObject({ status: 'retrying', http_status: 204 });
  });

  it('records a refused connection and retries it', async () => {
    const { appId, query, receiver } = await setUp({ seed: 24 }, () => ({}));
    await receiver.close();
    await hire(emulator!, { name: 'Refused' });
    const [first] = await attemptsReach(emulator!, query, 1);
    expect(first).toMatchObject({ app_id: appId, status: 'retrying', http_status: null });
    expect(first!.error).toMatch(/ECONNREFUSED/);
  });

  it('runs the retries on its own when time is scaled up', async () => {
    // 15 s + 5 min + 1 h + 6 h of emulated time pass in about 2.2 real seconds.
    const { query } = await setUp({ seed: 25, timeScale: 10_000 }, () => ({ status: 503 }));
    await hire(emulator!, { name: 'Scaled' });
    const attempts = await attemptsReach(emulator!, query, 5, 8_000);
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts[4]?.status).toBe('failed');
    // At this scale each real millisecond of an attempt is 10 emulated seconds, so only lower bounds hold.
    for (const [index, expected] of [15 * SECOND, 5 * MINUTE, HOUR, 6 * HOUR].entries()) {
      const previous = attempts[index]!;
      expect(previous.next_attempt_at! - previous.time).toBeGreaterThanOrEqual(expected);
      expect(attempts[index + 1]!.time).toBeGreaterThanOrEqual(previous.next_attempt_at!);
    }
  });

  it('forgets deliveries and cancels retries on reset', async () => {
    const { appId, query, receiver } = await setUp({ seed: 26 }, () => ({ status: 500 }));
    await hire(emulator!, { name: 'Reset' });
    const [first] = await attemptsReach(emulator!, query, 1);
    expect(first).toMatchObject({ status: 'retrying', next_attempt_at: expect.any(Number) as unknown });
    const eventId = first!.event_id;

    await control(emulator!, 'POST', '/_emulator/reset');
    expect(await deliveries(emulator!)).toEqual([]);
    // The fresh world (same seed, same default app) has forgotten the subscription: point the app
    // at the same receiver again, so that a retry that survived the reset would reach it.
    expect(emulator!.defaultApp().appId).toBe(appId);
    expect((await subscribe(emulator!, appId, receiver.url, ['contact.user.created_v3'], { encrypt_key: null })).url_verification?.ok).toBe(true);
    await advance(20 * SECOND);

    const log = await afterMarker(query, [eventId]);
    expect(log.filter((attempt) => attempt.event_id === eventId)).toEqual([]);
    expect(eventIdsOf(receiver.requests).filter((id) => id === eventId)).toHaveLength(1);
  });
});
