import { describe, expect, it } from 'vitest';
import { monthOf } from './month-of.ts';

describe('monthOf', () => {
  it('turns the month at midnight in Beijing', () => {
    expect(monthOf(Date.parse('2025-01-31T15:59:59Z'))).toBe('2025-01');
    expect(monthOf(Date.parse('2025-01-31T16:00:00Z'))).toBe('2025-02');
    expect(monthOf(Date.parse('2025-12-31T16:00:00Z'))).toBe('2026-01');
  });
});
