import { GatewayError } from '../errors/index.ts';

// A page cursor that is the last id of the page (a bigint row id), tagged with the list it belongs
// to and wrapped in base64url so that clients treat it as opaque.

export function encodeIdCursor(tag: string, id: string): string {
  return Buffer.from(`${tag}:${id}`).toString('base64url');
}

/** The id in a cursor of `tag`; 400 `http.invalid_query` for anything else. */
export function decodeIdCursor(tag: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\w+):(\d{1,18})$/.exec(text);
  if (match?.[1] !== tag || match[2] === undefined) throw new GatewayError('http.invalid_query', 'Invalid query parameter cursor: not a cursor this API returned.');
  return match[2];
}
