import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import { asIdentifier } from './as-identifier.ts';
import { isJsonObject, type JsonObject } from './json-object.ts';
import { openPush, type PushChallenge, type PushEvent } from './open-push.ts';
import { parseEpochMs } from './parse-epoch-ms.ts';
import { parseJsonObject } from './parse-json-object.ts';
import type { PushConnection, PushOptions, PushRequest } from './push-request.ts';
import { pushSecrets } from './push-secrets.ts';
import { readSignatureHeaders } from './read-signature-headers.ts';
import { verifySignature } from './verify-signature.ts';

/** Who clicked. `userId` needs the `contact:user.employee_id:readonly` scope; `unionId` is v2 only. */
export type CardOperator = {
  readonly openId: string;
  readonly userId: string | undefined;
  readonly unionId: string | undefined;
  readonly tenantKey: string;
};

/** A verified click on an interactive card. */
export type CardCallback = {
  readonly kind: 'card';
  /** `v2`: `card.action.trigger` in the event envelope (§4.1); `legacy`: the old flat body (§4.2). */
  readonly style: 'v2' | 'legacy';
  /** v2 `header.event_id`; legacy bodies have no id, so a SHA-256 hex digest of the body bytes. */
  readonly callbackId: string;
  /** The `c-…` card update token: 30 minutes, at most two delayed updates (§4.1). */
  readonly token: string;
  readonly openMessageId: string;
  readonly openChatId: string | undefined;
  readonly operator: CardOperator;
  /** `value`, `tag` and whatever else the click gave (`form_value`, `option`, …). */
  readonly action: JsonObject;
  /** v2: `header.create_time`; legacy: the signed `X-Lark-Request-Timestamp`. Epoch ms. */
  readonly createdAt: number;
  /** Older than `maxAgeMs`. Callbacks are never retried by Feishu, so a stale one is a replay. */
  readonly stale: boolean;
  /** The whole body (v2: the decrypted envelope). */
  readonly payload: JsonObject;
};

export type OpenedCardCallback = PushChallenge | CardCallback;

/**
 * Verifies, decrypts and reads one request to `/feishu/:connection/cards`. A body with `encrypt`
 * or `schema` (or a URL verification) is a push like any event — SHA-256 signature, decryption,
 * Verification Token, see `openPush` — and must be a v2 `card.action.trigger`. Any other body is
 * the old-style flat callback, which Feishu never encrypts and signs with
 * SHA-1(timestamp + nonce + Verification Token + body) over the exact bytes (platform doc §4.2),
 * so it needs the connection's Verification Token. This is the split the Node SDK's
 * `CardActionHandler` makes (§4.3), minus its habit of skipping checks it has no secret for.
 *
 * Errors are those of `openPush`, plus `events.signature_invalid` for an old-style callback at a
 * connection without a Verification Token (nothing could have signed it that we can check).
 *
 * @example
 * const opened = openCardCallback({ headers, rawBody }, connection, { now: Date.now(), maxAgeMs: 3_600_000 });
 * if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
 * const answer = await cards.handle(opened);
 */
export function openCardCallback(request: PushRequest, connection: PushConnection, options: PushOptions): OpenedCardCallback {
  const secrets = pushSecrets(connection);
  const document = parseJsonObject(request.rawBody, 'events.malformed_body');
  if (Object.hasOwn(document, 'encrypt') || Object.hasOwn(document, 'schema') || document['type'] === 'url_verification') {
    const opened = openPush(request, connection, options);
    return opened.kind === 'challenge' ? opened : readCardActionTrigger(opened);
  }
  if (secrets.verificationToken === undefined) {
    throw new GatewayError('events.signature_invalid', 'Old-style card callbacks are signed with the Verification Token, and this connection has none.', {
      details: { connection: connection.name },
    });
  }
  const signature = readSignatureHeaders(request.headers);
  if (signature === undefined) {
    throw new GatewayError('events.signature_missing', 'The card callback lacks X-Lark-Request-Timestamp, X-Lark-Request-Nonce or X-Lark-Signature.');
  }
  verifySignature(signature, request.rawBody, secrets.verificationToken, 'sha1');
  const createdAt = parseEpochMs(signature.timestamp, 'seconds');
  if (createdAt === undefined) throw malformed('legacy', 'X-Lark-Request-Timestamp must be decimal epoch seconds');
  return {
    ...readLegacyCardAction(document),
    callbackId: createHash('sha256').update(request.rawBody).digest('hex'),
    createdAt,
    stale: options.now - createdAt > options.maxAgeMs,
    payload: document,
  };
}

/**
 * The card fields of a verified v2 push, which must be a `card.action.trigger` (§4.1); also used
 * for callbacks that arrive over the long connection, which the channel itself authenticates.
 */
export function readCardActionTrigger(push: PushEvent): CardCallback {
  if (push.schema !== '2.0' || push.eventType !== 'card.action.trigger') {
    throw malformed('v2', 'the push is not a card.action.trigger callback');
  }
  // openPush has checked that `event` is an object.
  const event = push.payload['event'] as JsonObject;
  const operator = event['operator'];
  const context = event['context'];
  if (!isJsonObject(operator)) throw malformed('v2', '`event.operator` must be an object');
  if (!isJsonObject(context)) throw malformed('v2', '`event.context` must be an object');
  return {
    kind: 'card',
    style: 'v2',
    callbackId: push.eventId,
    token: required(event, 'token', 'v2', 'event.', 1024),
    openMessageId: required(context, 'open_message_id', 'v2', 'event.context.'),
    openChatId: optional(context, 'open_chat_id', 'v2', 'event.context.'),
    operator: {
      openId: required(operator, 'open_id', 'v2', 'event.operator.'),
      userId: optional(operator, 'user_id', 'v2', 'event.operator.'),
      unionId: optional(operator, 'union_id', 'v2', 'event.operator.'),
      // The operator's tenant is documented; the header's is the same tenant, should it be left out.
      tenantKey: optional(operator, 'tenant_key', 'v2', 'event.operator.') ?? requiredTenant(push.tenantKey),
    },
    action: action(event, 'v2', 'event.'),
    createdAt: push.createdAt,
    stale: push.stale,
    payload: push.payload,
  };
}

/** The flat old-style body (§4.2, node-sdk `InteractiveCardActionEvent`). */
function readLegacyCardAction(body: JsonObject): Omit<CardCallback, 'callbackId' | 'createdAt' | 'stale' | 'payload'> {
  return {
    kind: 'card',
    style: 'legacy',
    token: required(body, 'token', 'legacy', '', 1024),
    openMessageId: required(body, 'open_message_id', 'legacy', ''),
    openChatId: optional(body, 'open_chat_id', 'legacy', ''),
    operator: {
      openId: required(body, 'open_id', 'legacy', ''),
      userId: optional(body, 'user_id', 'legacy', ''),
      unionId: optional(body, 'union_id', 'legacy', ''),
      tenantKey: required(body, 'tenant_key', 'legacy', ''),
    },
    action: action(body, 'legacy', ''),
  };
}

function required(object: JsonObject, key: string, style: string, prefix: string, maxLength?: number): string {
  const value = asIdentifier(object[key], maxLength);
  if (value === undefined) throw malformed(style, `\`${prefix}${key}\` must be a non-empty string`);
  return value;
}

function optional(object: JsonObject, key: string, style: string, prefix: string): string | undefined {
  return object[key] === undefined ? undefined : required(object, key, style, prefix);
}

function requiredTenant(tenantKey: string | undefined): string {
  if (tenantKey === undefined) throw malformed('v2', '`event.operator.tenant_key` must be a non-empty string');
  return tenantKey;
}

function action(object: JsonObject, style: string, prefix: string): JsonObject {
  const value = object['action'];
  if (!isJsonObject(value)) throw malformed(style, `\`${prefix}action\` must be an object`);
  return value;
}

function malformed(style: string, problem: string): GatewayError {
  return new GatewayError('events.malformed_body', `Malformed ${style} card callback: ${problem}.`);
}
