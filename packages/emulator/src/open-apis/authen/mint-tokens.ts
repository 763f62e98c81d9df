import type { Random } from '../../state/random.ts';

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` characters from `[A-Za-z0-9-_]`, the charset Feishu documents for login codes. */
export function urlSafeRandom(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += URL_SAFE[random.int(0, URL_SAFE.length - 1)];
  return out;
}

/** A login code: 64 characters of `[A-Za-z0-9-_]` (the docs say to reserve at least 64). */
export const mintCode = (random: Random): string => urlSafeRandom(random, 64);

/**
 * A v2 token shaped like Feishu's: a JWT (`eyJ…`, three base64url parts, about 1 KB). Clients must
 * treat it as opaque; the emulator never parses it back, it looks tokens up by their full text.
 *
 * @example
 * mintJwtLike(random, { typ: 'access', aud: 'cli_…', sub: 'ou_…', scope: 'offline_access', iat, exp })
 */
export function mintJwtLike(random: Random, claims: Record<string, string | number>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'ES256', kid: 'feishu-emulator', typ: 'JWT' });
  // `ctx` stands for the opaque session context Feishu packs in; it brings the size near 1 KB.
  const payload = part({ jti: random.hex(32), iss: 'feishu-emulator', ...claims, ctx: urlSafeRandom(random, 480) });
  return `${header}.${payload}.${urlSafeRandom(random, 86)}`;
}

/** A v1 token: `u-…` access or `ur-…` refresh, as in the v1 docs' examples. */
export const mintV1Token = (random: Random, prefix: 'u-' | 'ur-'): string => `${prefix}${urlSafeRandom(random, 44)}`;
