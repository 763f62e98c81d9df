import type { Context } from 'hono';
import { commonErrors } from '../errors/common-errors.ts';

/**
 * The token of a call's `Authorization: Bearer <token>` header (scheme case-insensitive,
 * surrounding blanks ignored), or undefined when the header is absent or not a bearer token.
 *
 * @example
 * bearerToken(c); // 't-abc' for `Authorization: bearer t-abc`
 */
export function bearerToken(c: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization')?.trim() ?? '')?.[1];
}

/**
 * Like {@link bearerToken}, but fails as Feishu's gateway does: 99991661 when the header is absent
 * or blank, 99991671 when it holds anything but `Bearer <token>`.
 */
export function requireBearerToken(c: Context): string {
  const token = bearerToken(c);
  if (token !== undefined) return token;
  throw (c.req.header('authorization')?.trim() ?? '') === '' ? commonErrors.needToken() : commonErrors.badTokenFormat();
}
