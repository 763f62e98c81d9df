import { describe, expect, it } from 'vitest';
import { storeKey } from './store-key.ts';

describe('storeKey', () => {
  it('keeps a short printable key readable', () => {
    expect(storeKey('cli_a1b2c3d4|tenant|im.v1.message.create')).toBe('cli_a1b2c3d4|tenant|im.v1.message.create');
  });

  it('replaces long, non-ASCII or control-character keys by a distinct fixed-length digest', () => {
    const keys = ['x'.repeat(181), 'receiver|张三', 'receiver|a\u0000b', '#looks-hashed', 'receiver|李四'];
    const stored = keys.map(storeKey);
    for (const key of stored) expect(key).toMatch(/^#[\w-]{43}$/);
    expect(new Set(stored).size).toBe(keys.length);
    expect(storeKey('receiver|张三')).toBe(stored[1]);
  });
});
