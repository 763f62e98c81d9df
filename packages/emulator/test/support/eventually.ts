/**
 * Polls `probe` every 20 ms until it returns something other than `undefined` or `false`, and
 * returns that; rejects after `timeoutMs`. For things that happen after the call that caused
 * them returned: event pushes, a child process's output.
 *
 * @example
 * const event = await eventually(() => receiver.received[0]);
 * await eventually(() => receiver.received.length === 2);
 */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${probe.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
