const digitsOnly = /^\d{1,16}$/;
const decimalSeconds = /^\d{1,12}(?:\.\d{1,9})?$/;
const MICROSECOND_DIGITS = 16;

/**
 * Reads a Feishu timestamp as epoch milliseconds, or undefined when it is not one.
 *
 * - `create_time` (v2 `header.create_time`): a string of digits. The event pages say
 *   milliseconds, the overview and card pages show 16 digits, i.e. microseconds (platform doc
 *   §3.1), so 16 digits are read as µs and anything shorter as ms. A number is accepted too.
 * - `seconds` (v1 `ts` such as `"1502199207.7171419"`, and `X-Lark-Request-Timestamp`): decimal
 *   seconds, possibly with a fraction; a number is accepted too.
 *
 * @example
 * parseEpochMs('1608725989000', 'create_time')    // 1608725989000
 * parseEpochMs('1608725989000123', 'create_time') // 1608725989000
 * parseEpochMs('1502199207.7171419', 'seconds')   // 1502199207717
 */
export function parseEpochMs(value: unknown, unit: 'create_time' | 'seconds'): number | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  if (unit === 'seconds') return decimalSeconds.test(text) ? Math.floor(Number(text) * 1000) : undefined;
  if (!digitsOnly.test(text)) return undefined;
  const count = Number(text);
  return text.length === MICROSECOND_DIGITS ? Math.floor(count / 1000) : count;
}
