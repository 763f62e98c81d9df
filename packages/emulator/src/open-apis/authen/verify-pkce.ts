import { createHash, timingSafeEqual } from 'node:crypto';
import type { PkceChallenge } from './oauth-store.ts';

// RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~" (also in the
// Feishu docs of authen/v2/oauth/token).
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Whether `verifier` answers `challenge`: `S256` is base64url(sha256(verifier)), `plain` is the
 * verifier itself. A missing or malformed verifier fails.
 *
 * @example
 * verifyPkce({ value: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', method: 'S256' }, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') // true
 */
export function verifyPkce(challenge: PkceChallenge, verifier: string | undefined): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  const expected = challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge.value);
  return a.length === b.length && timingSafeEqual(a, b);
}
