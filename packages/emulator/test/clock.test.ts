import { describe, expect, it } from 'vitest';
import { createClock } from '../src/clock/create-clock.ts';

describe('emulated clock', () => {
  it('runs due tasks in time order, then scheduling order, when advanced', () => {
    const clock = createClock({ start: 1_000 });
    const ran: string[] = [];
    clock.at(1_000 + 300, () => ran.push('c'));
    clock.at(1_000 + 100, () => ran.push('a'));
    clock.at(1_000 + 100, () => ran.push('b'));
    clock.at(1_000 + 10_000, () => ran.push('late'));
    clock.advance(500);
    expect(ran).toEqual(['a', 'b', 'c']);
    clock.stop();
  });

  it('skips cancelled tasks and keeps running the others when one throws', () => {
    const errors: unknown[] = [];
    const clock = createClock({ start: 0, onError: (error) => errors.push(error) });
    const ran: number[] = [];
    clock.at(10, () => ran.push(1));
    clock.at(20, () => {
      throw new Error('boom');
    });
    const cancelled = clock.at(25, () => ran.push(99));
    cancelled.cancel();
    clock.at(30, () => ran.push(3));
    clock.advance(1_000);
    expect(ran).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    clock.stop();
  });

  it('fires tasks by real time, scaled', async () => {
    const clock = createClock({ timeScale: 1_000 });
    const fired = new Promise<number>((resolve) => clock.at(clock.now() + 15_000, () => resolve(clock.now())));
    const at = await fired;
    expect(at).toBeGreaterThanOrEqual(clock.now() - 1_000);
    clock.stop();
  });

  it('holds tens of thousands of pending timers and runs each exactly once', () => {
    const clock = createClock({ start: 0 });
    let count = 0;
    for (let i = 0; i < 40_000; i += 1) clock.at(15_000 + (i % 977), () => (count += 1));
    clock.advance(10_000);
    expect(count).toBe(0);
    clock.advance(10_000);
    expect(count).toBe(40_000);
    clock.advance(10_000);
    expect(count).toBe(40_000);
    clock.stop();
  });

  it('runs nothing after stop', () => {
    const clock = createClock({ start: 0 });
    let ran = false;
    clock.at(5, () => (ran = true));
    clock.stop();
    clock.advance(10);
    expect(ran).toBe(false);
  });
});
