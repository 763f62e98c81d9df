/**
 * Polls `probe` every 25 ms until it returns something other than `undefined`, and returns that;
 * rejects after `timeoutMs`. For what happens after the call that caused it: pushes, dispatch.
 *
 * @example
 * await until(async () => ((await rows())[0]?.status === 'handled' ? true : undefined));
 */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
