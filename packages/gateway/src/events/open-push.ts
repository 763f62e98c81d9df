import { GatewayError, isGatewayError } from '../errors/index.ts';
import { checkVerificationToken } from './check-verification-token.ts';
import { decryptPush } from './decrypt-push.ts';
import type { JsonObject } from './json-object.ts';
import { parseJsonObject } from './parse-json-object.ts';
import type { PushConnection, PushOptions, PushRequest } from './push-request.ts';
import { pushSecrets } from './push-secrets.ts';
import { readEnvelope, type Envelope } from './read-envelope.ts';
import { readSignatureHeaders } from './read-signature-headers.ts';
import { pushEventOf } from './store-push.ts';
import { verifySignature } from './verify-signature.ts';

/** A URL verification handshake: answer `{"challenge": challenge}` with HTTP 200 at once. */
export type PushChallenge = { readonly kind: 'challenge'; readonly challenge: string };

/** A verified event, ready for the inbox. */
export type PushEvent = {
  readonly kind: 'event';
  readonly schema: '2.0' | '1.0';
  /** v2 `header.event_id`, v1 `uuid`: the de-duplication key (platform doc §3.5). */
  readonly eventId: string;
  /** v2 `header.event_type`, v1 `event.type`. */
  readonly eventType: string;
  /** When Feishu created the event, epoch ms. */
  readonly createdAt: number;
  readonly tenantKey: string | undefined;
  readonly appId: string | undefined;
  /** The whole envelope, decrypted. */
  readonly payload: JsonObject;
  /** Older than `maxAgeMs`: answer 200 and drop, so a captured push cannot be replayed (issue 6). */
  readonly stale: boolean;
};

export type OpenedPush = PushChallenge | PushEvent;

/**
 * Verifies, decrypts and reads one push to `/feishu/:connection/events` (platform doc §3). Pure:
 * the clock comes in `options`, nothing is stored or logged. Every rejection is a
 * `GatewayError`:
 *
 * - `events.not_verifiable` (500): the connection has neither an Encrypt Key nor a Verification Token;
 * - `events.signature_missing` / `events.signature_invalid` (401): with an Encrypt Key, every push
 *   but the URL verification must carry a valid SHA-256 signature over the exact body bytes;
 * - `events.decrypt_failed` (400): `encrypt` does not decrypt, or the connection has no key for it;
 * - `events.malformed_body` (400): not a JSON object in a Feishu envelope;
 * - `events.token_invalid` (401): the connection has a Verification Token and the push's differs.
 *
 * @example
 * const opened = openPush({ headers, rawBody }, connection, { now: Date.now(), maxAgeMs: 24 * 3_600_000 });
 * if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
 * if (opened.stale) return c.body(null, 200);
 * await inbox.insert(opened);
 */
export function openPush(request: PushRequest, connection: PushConnection, options: PushOptions): OpenedPush {
  const secrets = pushSecrets(connection);
  const envelope = secrets.encryptKey === undefined ? readUnencrypted(request.rawBody) : readWithKey(request, secrets.encryptKey);
  checkVerificationToken(secrets.verificationToken, envelope.token);
  if (envelope.kind === 'challenge') return { kind: 'challenge', challenge: envelope.challenge };
  return pushEventOf(envelope, options.now, options.maxAgeMs);
}

/** A connection with only a Verification Token: Feishu sends plain JSON and signs nothing. */
function readUnencrypted(rawBody: Uint8Array): Envelope {
  const document = parseJsonObject(rawBody, 'events.malformed_body');
  if (Object.hasOwn(document, 'encrypt')) {
    throw new GatewayError('events.decrypt_failed', 'The push is encrypted but the connection has no Encrypt Key; set the Encrypt Key from the developer console.');
  }
  return readEnvelope(document);
}

/**
 * A connection with an Encrypt Key. A signed push is verified before anything in it is parsed
 * or decrypted. An unsigned one can only be the URL verification, which Feishu does not sign
 * ("不包括请求网址校验", platform doc §3.1).
 */
function readWithKey(request: PushRequest, encryptKey: string): Envelope {
  const signature = readSignatureHeaders(request.headers);
  if (signature === undefined) return readUnsignedChallenge(request.rawBody, encryptKey);
  verifySignature(signature, request.rawBody, encryptKey, 'sha256');
  return readEnvelope(decryptIfEncrypted(parseJsonObject(request.rawBody, 'events.malformed_body'), encryptKey));
}

function readUnsignedChallenge(rawBody: Uint8Array, encryptKey: string): Envelope {
  const document = parseJsonObject(rawBody, 'events.malformed_body');
  let envelope: Envelope | undefined;
  try {
    envelope = readEnvelope(decryptIfEncrypted(document, encryptKey));
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    // Every unsigned failure gets the same answer on purpose: telling bad padding apart from a
    // good decryption would be a padding oracle on ciphertext an attacker captured.
    envelope = undefined;
  }
  if (envelope?.kind === 'challenge') return envelope;
  throw new GatewayError('events.signature_missing', 'The push lacks X-Lark-Request-Timestamp, X-Lark-Request-Nonce or X-Lark-Signature; the connection has an Encrypt Key, so pushes must be signed.');
}

function decryptIfEncrypted(document: JsonObject, encryptKey: string): JsonObject {
  if (!Object.hasOwn(document, 'encrypt')) return document;
  return parseJsonObject(decryptPush(encryptKey, document['encrypt']), 'events.decrypt_failed');
}
