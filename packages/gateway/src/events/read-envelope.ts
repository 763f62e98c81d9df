import { GatewayError } from '../errors/index.ts';
import { asIdentifier } from './as-identifier.ts';
import { isJsonObject, type JsonObject } from './json-object.ts';
import { parseEpochMs } from './parse-epoch-ms.ts';

/** The URL verification handshake, sent when a request URL is saved in the console. */
export type ChallengeEnvelope = { readonly kind: 'challenge'; readonly challenge: string; readonly token: unknown };

/** An event in the v2 or the v1 envelope, with the fields every event has. */
export type EventEnvelope = {
  readonly kind: 'event';
  readonly schema: '2.0' | '1.0';
  readonly token: unknown;
  readonly eventId: string;
  readonly eventType: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly tenantKey: string | undefined;
  readonly appId: string | undefined;
  readonly document: JsonObject;
};

export type Envelope = ChallengeEnvelope | EventEnvelope;

/**
 * Recognises the three shapes a push can take (platform doc §3.1) and reads their common fields:
 *
 * - `{"challenge","token","type":"url_verification"}`;
 * - v2: `{"schema":"2.0","header":{event_id, event_type, create_time, token, app_id, tenant_key},"event":{…}}`;
 * - v1: `{"ts","uuid","token","type":"event_callback","event":{"type",…}}`.
 *
 * Anything else, or a missing or malformed common field, is `events.malformed_body`, whose
 * message names the field but never its value. The token is returned unchecked: comparing it is
 * the caller's job, and a connection without a Verification Token ignores it.
 *
 * @example
 * readEnvelope({ challenge: 'c1', token: 't', type: 'url_verification' }) // { kind: 'challenge', challenge: 'c1', token: 't' }
 */
export function readEnvelope(document: JsonObject): Envelope {
  if (document['type'] === 'url_verification') {
    const challenge = asIdentifier(document['challenge'], 1024);
    if (challenge === undefined) throw malformed('url_verification', '`challenge` must be a non-empty string');
    return { kind: 'challenge', challenge, token: document['token'] };
  }
  if (Object.hasOwn(document, 'schema')) return readV2(document);
  if (Object.hasOwn(document, 'uuid')) return readV1(document);
  throw new GatewayError('events.malformed_body', 'The push is not a Feishu envelope (v2 `schema`, v1 `uuid` or `url_verification`).');
}

function readV2(document: JsonObject): EventEnvelope {
  if (document['schema'] !== '2.0') throw malformed('v2', '`schema` must be "2.0"');
  const header = document['header'];
  if (!isJsonObject(header)) throw malformed('v2', '`header` must be an object');
  if (!isJsonObject(document['event'])) throw malformed('v2', '`event` must be an object');
  const eventId = asIdentifier(header['event_id']);
  if (eventId === undefined) throw malformed('v2', '`header.event_id` must be a non-empty string');
  const eventType = asIdentifier(header['event_type']);
  if (eventType === undefined) throw malformed('v2', '`header.event_type` must be a non-empty string');
  const createdAt = parseEpochMs(header['create_time'], 'create_time');
  if (createdAt === undefined) throw malformed('v2', '`header.create_time` must be a string of digits');
  return {
    kind: 'event',
    schema: '2.0',
    token: header['token'],
    eventId,
    eventType,
    createdAt,
    tenantKey: optionalIdentifier(header, 'tenant_key', 'v2', 'header.'),
    appId: optionalIdentifier(header, 'app_id', 'v2', 'header.'),
    document,
  };
}

function readV1(document: JsonObject): EventEnvelope {
  if (document['type'] !== 'event_callback') throw malformed('v1', '`type` must be "event_callback"');
  const event = document['event'];
  if (!isJsonObject(event)) throw malformed('v1', '`event` must be an object');
  const eventId = asIdentifier(document['uuid']);
  if (eventId === undefined) throw malformed('v1', '`uuid` must be a non-empty string');
  const eventType = asIdentifier(event['type']);
  if (eventType === undefined) throw malformed('v1', '`event.type` must be a non-empty string');
  const createdAt = parseEpochMs(document['ts'], 'seconds');
  if (createdAt === undefined) throw malformed('v1', '`ts` must be decimal epoch seconds');
  return {
    kind: 'event',
    schema: '1.0',
    token: document['token'],
    eventId,
    eventType,
    createdAt,
    // v1 events carry the tenant and app inside `event` (app_ticket has no tenant at all).
    tenantKey: optionalIdentifier(event, 'tenant_key', 'v1', 'event.'),
    appId: optionalIdentifier(event, 'app_id', 'v1', 'event.'),
    document,
  };
}

/** An id that may be absent, but when present must be a real one. */
function optionalIdentifier(object: JsonObject, key: string, envelope: string, prefix: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  const id = asIdentifier(value);
  if (id === undefined) throw malformed(envelope, `\`${prefix}${key}\` must be a non-empty string when present`);
  return id;
}

function malformed(envelope: string, problem: string): GatewayError {
  return new GatewayError('events.malformed_body', `Malformed ${envelope} push: ${problem}.`);
}
