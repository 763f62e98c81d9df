export type Batcher<Item, Result> = {
  /** Resolves with the item's result once the batch holding it is done; rejects if that batch failed. */
  submit(item: Item): Promise<Result>;
};

export type BatcherOptions<Item, Result> = {
  /**
   * Does a batch's work in one go (one transaction, one query) and returns one result per item,
   * in order. A rejection fails every item of the batch (none of it was committed).
   */
  readonly run: (items: readonly Item[]) => Promise<readonly Result[]>;
  /** Most items in one batch. */
  readonly maxBatch: number;
  /** Most batches running at once; keep it below the connection pool's size (1 on PGlite). */
  readonly maxInFlight: number;
};

type Waiting<Item, Result> = { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void };

/**
 * Batches calls the way a database does group commit: while `maxInFlight` batches are running,
 * what arrives waits and goes in the next batch together. A lone item runs at once; under load a
 * transaction (its fsync and round trips) or a query is shared by many items, so throughput
 * follows the load instead of the per-call cost. Nothing waits on a timer.
 *
 * @example
 * const inserts = createBatcher({ run: insertRows, maxBatch: 100, maxInFlight: 4 });
 * const { id } = await inserts.submit(row);
 */
export function createBatcher<Item, Result>(options: BatcherOptions<Item, Result>): Batcher<Item, Result> {
  const waiting: Waiting<Item, Result>[] = [];
  let inFlight = 0;

  function flush(): void {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatch);
      inFlight += 1;
      void runBatch(batch);
    }
  }

  async function runBatch(batch: readonly Waiting<Item, Result>[]): Promise<void> {
    let outcome: { results: readonly Result[] } | { error: unknown };
    try {
      const results = await options.run(batch.map((entry) => entry.item));
      outcome = results.length === batch.length ? { results } : { error: new RangeError(`batch returned ${results.length} results for ${batch.length} items`) };
    } catch (error) {
      outcome = { error };
    }
    // The next batch starts before this one's callers resume: they may be slow to.
    inFlight -= 1;
    flush();
    if ('error' in outcome) for (const entry of batch) entry.reject(outcome.error);
    else batch.forEach((entry, index) => entry.resolve(outcome.results[index] as Result));
  }

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        flush();
      });
    },
  };
}
