import type { DirectoryChangeType } from '../directory/directory-change.ts';
import { GatewayError } from '../errors/index.ts';

const entities = ['user', 'department', 'group'] as const;
const kinds = ['created', 'updated', 'deactivated', 'deleted'] as const;

/** Every type a change is published as, e.g. `user.updated`. */
export const webhookEventTypes: readonly DirectoryChangeType[] = entities.flatMap((entity) => kinds.map((kind): DirectoryChangeType => `${entity}.${kind}`));

const MAX_PATTERNS = 20;

/**
 * Checks the event types a subscription asks for: exact types (`user.updated`), a wildcard per
 * entity (`user.*`) or `*`. Trims, de-duplicates and keeps the given order. Rejects with
 * `webhooks.invalid` naming the first unknown pattern.
 *
 * @example
 * parseEventPatterns(['user.*', 'department.created']); // ['user.*', 'department.created']
 */
export function parseEventPatterns(patterns: readonly string[]): string[] {
  const trimmed = [...new Set(patterns.map((pattern) => pattern.trim()))];
  if (trimmed.length === 0 || trimmed.every((pattern) => pattern === '')) throw new GatewayError('webhooks.invalid', 'A webhook needs at least one event type, such as user.* or department.created.');
  if (trimmed.length > MAX_PATTERNS) throw new GatewayError('webhooks.invalid', `A webhook takes at most ${MAX_PATTERNS} event types; use a wildcard such as user.*.`);
  const unknown = trimmed.find((pattern) => !isEventPattern(pattern));
  if (unknown !== undefined) {
    throw new GatewayError('webhooks.invalid', `Unknown event type "${unknown.slice(0, 60)}"; use ${webhookEventTypes.join(', ')}, a wildcard such as user.*, or *.`);
  }
  return trimmed;
}

/** Whether any of `patterns` (already checked by `parseEventPatterns`) selects `type`. */
export function matchesEventType(patterns: readonly string[], type: DirectoryChangeType): boolean {
  const entity = type.slice(0, type.indexOf('.'));
  return patterns.some((pattern) => pattern === '*' || pattern === type || pattern === `${entity}.*`);
}

function isEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if ((webhookEventTypes as readonly string[]).includes(pattern)) return true;
  return (entities as readonly string[]).some((entity) => pattern === `${entity}.*`);
}
