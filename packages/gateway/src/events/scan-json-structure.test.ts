import { describe, expect, it } from 'vitest';
import { scanJsonStructure } from './scan-json-structure.ts';

describe('scanJsonStructure', () => {
  it.each([
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', 'ok'],
    ['{"a":"}\\"{","b":"[,"}', 'ok'],
    ['{"a":{"x":1},"b":{"x":1}}', 'ok'],
    ['{"a":["a","a"],"b":"a"}', 'ok'],
    ['{"a":"\\\\","b":1}', 'ok'],
  ])('accepts %s', (text, expected) => {
    expect(scanJsonStructure(text, 64)).toBe(expected);
  });

  it.each([
    '{"a":1,"a":2}',
    '{"x":{"a":1,"b":2,"a":3}}',
    '[{"k":[1,2],"k":null}]',
    '{"a":1,"\\u0061":2}',
    '{"a":"v","b":{"c":1},"a":"w"}',
  ])('finds the repeated key in %s', (text) => {
    expect(scanJsonStructure(text, 64)).toBe('duplicate_key');
  });

  it('counts nesting of objects and arrays together', () => {
    expect(scanJsonStructure('{"a":[{"b":[]}]}', 4)).toBe('ok');
    expect(scanJsonStructure('{"a":[{"b":[[]]}]}', 4)).toBe('too_deep');
  });

  it('ignores brackets inside strings', () => {
    expect(scanJsonStructure(`{"a":"${'['.repeat(1000)}"}`, 2)).toBe('ok');
  });

  it('stops at the limit on 100,000 nested arrays without recursing', () => {
    expect(scanJsonStructure('['.repeat(100_000) + ']'.repeat(100_000), 64)).toBe('too_deep');
  });

  it('survives text that is not JSON', () => {
    for (const text of ['{"a', '"\\', '}}]]', '{"a\\q":1,"a\\q":2}', '{,,"a":1,"a":2']) {
      expect(['ok', 'duplicate_key', 'too_deep']).toContain(scanJsonStructure(text, 64));
    }
  });
});
