import type { FeishuError } from '../errors/feishu-error.ts';

/** How an API refuses a bad page size or page token; each API family has its own codes. */
export type PageErrors = { pageSize: (max: number) => FeishuError; pageToken: () => FeishuError };

export type Page<T> = { items: T[]; has_more: boolean; page_token?: string };

/**
 * Cuts one page out of `items`. Page tokens are opaque to clients (base64url of the offset and
 * the query they belong to); a token from another query, or garbage, is refused with
 * `fail.pageToken`, and a page size outside 1…max with `fail.pageSize`.
 */
export function paginate<T>(
  items: readonly T[],
  query: { pageSize: string | undefined; pageToken: string | undefined; defaultSize: number; maxSize: number; scope: string },
  fail: PageErrors,
): Page<T> {
  const size = query.pageSize === undefined || query.pageSize === '' ? query.defaultSize : /^\d{1,4}$/.test(query.pageSize) ? Number(query.pageSize) : Number.NaN;
  if (!Number.isInteger(size) || size < 1 || size > query.maxSize) {
    throw fail.pageSize(query.maxSize);
  }
  let offset = 0;
  if (query.pageToken !== undefined && query.pageToken !== '') {
    const decoded = decodeToken(query.pageToken);
    if (decoded === undefined || decoded.s !== query.scope || decoded.o > items.length) throw fail.pageToken();
    offset = decoded.o;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + slice.length;
  const hasMore = next < items.length;
  return hasMore ? { items: slice, has_more: true, page_token: encodeToken({ o: next, s: query.scope }) } : { items: slice, has_more: false };
}

function encodeToken(token: { o: number; s: string }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): { o: number; s: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    const offset = (value as { o?: unknown } | null)?.o;
    if (typeof value === 'object' && value !== null && Number.isSafeInteger(offset) && (offset as number) >= 0 && typeof (value as { s?: unknown }).s === 'string') {
      return value as { o: number; s: string };
    }
  } catch {
    // Not one of ours.
  }
  return undefined;
}
