import { describe, expect, it } from 'vitest';
import { createPacer } from './create-pacer.ts';

describe('createPacer', () => {
  it('hands out evenly spaced starts per key, a call with several keys waiting for the latest', () => {
    const pacer = createPacer();
    const app = { key: 'app', intervalMs: 20 };
    const user = { key: 'user', intervalMs: 200 };
    expect([0, 1, 2].map(() => pacer.reserve([app], 1_000, 5_000))).toEqual([1_000, 1_020, 1_040]);
    expect(pacer.reserve([app, user], 1_000, 5_000)).toBe(1_060);
    // The user's next start is 200 ms after that call; the app's only 20.
    expect(pacer.reserve([app, user], 1_000, 5_000)).toBe(1_260);
    expect(pacer.reserve([app], 1_000, 5_000)).toBe(1_280);
  });

  it('reserves nothing for a call whose start would pass its deadline', () => {
    const pacer = createPacer();
    const slot = { key: 'app', intervalMs: 500 };
    expect(pacer.reserve([slot], 0, 10_000)).toBe(0);
    expect(pacer.reserve([slot], 0, 100)).toBe(500);
    expect(pacer.reserve([slot], 0, 10_000)).toBe(500);
  });

  it('starts at once when the key has been idle', () => {
    const pacer = createPacer();
    pacer.reserve([{ key: 'app', intervalMs: 20 }], 1_000, 5_000);
    expect(pacer.reserve([{ key: 'app', intervalMs: 20 }], 9_000, 10_000)).toBe(9_000);
  });
});
