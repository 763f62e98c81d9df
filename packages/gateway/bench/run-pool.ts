/**
 * Runs `count` jobs through `concurrency` callers, each taking the next job as soon as its last
 * one settles: every job is queued at once and the pool alone decides how many are in flight.
 * A job's failure is the job's business (it records it); the pool never stops early.
 */
export async function runPool(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
}
