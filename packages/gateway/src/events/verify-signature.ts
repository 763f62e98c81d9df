import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import type { SignatureHeaders } from './read-signature-headers.ts';

const hexDigest = { sha256: /^[0-9a-f]{64}$/, sha1: /^[0-9a-f]{40}$/ } as const;

/**
 * Checks `X-Lark-Signature`: lowercase hex of `algorithm`(timestamp + nonce + secret + body) over
 * the exact body bytes received (platform doc §3.3; SHA-256 with the Encrypt Key for events and
 * new card callbacks, SHA-1 with the Verification Token for old-style card callbacks, §4.2).
 * The Node SDK hashes re-serialised JSON instead, which rejects valid pushes with other spacing.
 * The digests are compared in constant time; anything that is not a digest of the right length
 * is rejected before that. A mismatch throws `events.signature_invalid`.
 *
 * @example
 * verifySignature(readSignatureHeaders(request.headers)!, request.rawBody, encryptKey, 'sha256')
 */
export function verifySignature(headers: SignatureHeaders, rawBody: Uint8Array, secret: string, algorithm: 'sha256' | 'sha1'): void {
  if (!hexDigest[algorithm].test(headers.signature)) {
    throw new GatewayError('events.signature_invalid', `X-Lark-Signature is not a lowercase hex ${algorithm} digest.`);
  }
  const expected = createHash(algorithm).update(headers.timestamp + headers.nonce + secret, 'utf8').update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(headers.signature, 'hex'))) {
    throw new GatewayError('events.signature_invalid', 'X-Lark-Signature does not match the request.');
  }
}
