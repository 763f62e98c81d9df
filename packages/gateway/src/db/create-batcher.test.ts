import { describe, expect, it } from 'vitest';
import { createBatcher } from './create-batcher.ts';

/** A commit the test releases by hand, recording each batch it was given. */
function gatedCommit() {
  const batches: number[][] = [];
  const gates: { release: () => void; fail: (error: Error) => void }[] = [];
  const commit = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push([...items]);
      gates.push({ release: () => resolve(items.map((item) => item * 10)), fail: reject });
    });
  return { batches, gates, commit };
}

describe('createBatcher', () => {
  it('commits a lone item at once, and gathers what arrives meanwhile into the next batch', async () => {
    const { batches, gates, commit } = gatedCommit();
    const group = createBatcher({ run: commit, maxBatch: 100, maxInFlight: 1 });
    const first = group.submit(1);
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((item) => group.submit(item));
    expect(batches).toHaveLength(1);
    gates[0]?.release();
    expect(await first).toBe(10);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates[1]?.release();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps up to maxInFlight batches committing and splits the backlog at maxBatch', async () => {
    const { batches, gates, commit } = gatedCommit();
    const group = createBatcher({ run: commit, maxBatch: 2, maxInFlight: 2 });
    const results = [1, 2, 3, 4, 5, 6, 7].map((item) => group.submit(item));
    expect(batches).toEqual([[1], [2]]);
    gates[0]?.release();
    await results[0];
    expect(batches).toEqual([[1], [2], [3, 4]]);
    gates[1]?.release();
    gates[2]?.release();
    await Promise.all(results.slice(1, 4));
    expect(batches).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
    gates[3]?.release();
    gates[4]?.release();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('fails every item of a failed batch and no other', async () => {
    const { gates, commit } = gatedCommit();
    const group = createBatcher({ run: commit, maxBatch: 10, maxInFlight: 1 });
    const first = group.submit(1);
    const second = [2, 3].map((item) => group.submit(item).catch((error: unknown) => error));
    gates[0]?.release();
    await first;
    gates[1]?.fail(new Error('connection lost'));
    const errors = await Promise.all(second);
    expect(errors.map((error) => (error as Error).message)).toEqual(['connection lost', 'connection lost']);
    const third = group.submit(4);
    gates[2]?.release();
    expect(await third).toBe(40);
  });

  it('rejects every item when the commit returns the wrong number of results', async () => {
    const group = createBatcher({ run: async (items: readonly number[]) => [items.length], maxBatch: 10, maxInFlight: 1 });
    const lone = group.submit(0);
    // Submitted while the first commits: one batch of two, for which one result comes back.
    const pair = [group.submit(1), group.submit(2)];
    expect(await lone).toBe(1);
    await expect(pair[0]).rejects.toThrow(RangeError);
    await expect(pair[1]).rejects.toThrow(RangeError);
  });
});
