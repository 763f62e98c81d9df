import { describe, expect, it } from 'vitest';
import { matchesEventType, parseEventPatterns, webhookEventTypes } from './event-patterns.ts';

describe('webhook event types', () => {
  it('names the twelve change types', () => {
    expect(webhookEventTypes).toHaveLength(12);
    expect(webhookEventTypes).toContain('user.deactivated');
    expect(webhookEventTypes).toContain('group.deleted');
  });

  it('accepts exact types and wildcards, trimmed and de-duplicated', () => {
    expect(parseEventPatterns([' user.* ', 'department.created', 'user.*', '*'])).toEqual(['user.*', 'department.created', '*']);
  });

  it.each([[[]], [['']], [['user']], [['user.moved']], [['users.*']], [['*.created']], [['user.**']], [['USER.CREATED']]])('refuses %j with webhooks.invalid', (patterns) => {
    expect(() => parseEventPatterns(patterns)).toThrow(expect.objectContaining({ code: 'webhooks.invalid' }));
  });

  it('matches a type by exact name, by its entity wildcard, or by *', () => {
    expect(matchesEventType(['user.*'], 'user.deleted')).toBe(true);
    expect(matchesEventType(['user.*'], 'department.deleted')).toBe(false);
    expect(matchesEventType(['department.created'], 'department.created')).toBe(true);
    expect(matchesEventType(['department.created'], 'department.updated')).toBe(false);
    expect(matchesEventType(['group.updated', 'department.*'], 'department.updated')).toBe(true);
    expect(matchesEventType(['*'], 'group.deactivated')).toBe(true);
  });
});
