import { describe, expect, it } from 'vitest';
import { parseEpochMs } from './parse-epoch-ms.ts';

describe('parseEpochMs', () => {
  it('reads a v2 create_time in milliseconds, as the event pages document', () => {
    expect(parseEpochMs('1608725989000', 'create_time')).toBe(1_608_725_989_000);
    expect(parseEpochMs(1_608_725_989_000, 'create_time')).toBe(1_608_725_989_000);
  });

  it('reads a 16-digit create_time as microseconds, as the overview and card pages show', () => {
    expect(parseEpochMs('1608725989000999', 'create_time')).toBe(1_608_725_989_000);
  });

  it('reads v1 ts as decimal seconds', () => {
    expect(parseEpochMs('1502199207.7171419', 'seconds')).toBe(1_502_199_207_717);
    expect(parseEpochMs('1700000000', 'seconds')).toBe(1_700_000_000_000);
  });

  it.each([
    ['create_time', ''], ['create_time', '-1'], ['create_time', '1.5'], ['create_time', '12345678901234567'],
    ['create_time', ' 1'], ['create_time', null], ['create_time', -5], ['create_time', Number.NaN],
    ['seconds', ''], ['seconds', '1e9'], ['seconds', '1.'], ['seconds', 'abc'], ['seconds', Number.POSITIVE_INFINITY],
  ] as const)('rejects %s %j', (unit, value) => {
    expect(parseEpochMs(value, unit)).toBeUndefined();
  });
});
