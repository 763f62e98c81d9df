import { GatewayError } from '../errors/index.ts';

// A cursor is the sort key of the last item of a page, tagged with the ordering it belongs to and
// wrapped in base64url so that clients treat it as opaque. Pages continue strictly after that
// key, so rows written meanwhile neither repeat nor shift the items of later pages.

export type CursorKind = 'users' | 'users_by_update' | 'departments' | 'groups' | 'members';

export function encodeCursor(kind: CursorKind, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

/**
 * The key of a cursor of `kind` whose parts match `parts` (one pattern each); 400
 * `http.invalid_query` for anything else, including a cursor of another list or ordering.
 */
export function decodeCursor(cursor: string, kind: CursorKind, parts: readonly RegExp[]): string[] {
  const invalid = (cause?: unknown) =>
    new GatewayError('http.invalid_query', 'Invalid query parameter cursor: not a cursor this API returned for this list and ordering.', cause === undefined ? {} : { cause });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw invalid(error);
  }
  if (!Array.isArray(decoded) || decoded[0] !== kind || decoded.length !== parts.length + 1) throw invalid();
  const key = decoded.slice(1);
  if (!key.every((part, index) => typeof part === 'string' && parts[index]?.test(part) === true)) throw invalid();
  return key as string[];
}

/** Any text: ids and connection names. */
export const ANY = /^[\s\S]*$/;
/** `updated_at` as the users query writes it into cursors: UTC with microseconds. */
export const MICROSECOND_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
