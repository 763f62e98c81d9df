import { isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import type { EventInbox } from './create-event-inbox.ts';
import type { EventRegistry } from './event-registry.ts';
import type { PushEvent } from './open-push.ts';
import type { EventEnvelope } from './read-envelope.ts';

/** An answer slower than this is logged: Feishu gives up at 3 s and retries (§3.5). */
const SLOW_ACK_MS = 1_000;

/** A verified envelope as a push, stale when its signed creation time is older than `maxAgeMs`. */
export function pushEventOf(envelope: EventEnvelope, now: number, maxAgeMs: number): PushEvent {
  return {
    kind: 'event',
    schema: envelope.schema,
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    createdAt: envelope.createdAt,
    tenantKey: envelope.tenantKey,
    appId: envelope.appId,
    payload: envelope.document,
    stale: now - envelope.createdAt > maxAgeMs,
  };
}

/**
 * What both transports do with a verified push before answering: a stale one is dropped; any
 * other is committed to the inbox with its dispatch job (a duplicate is not stored again). Every
 * outcome is counted through `answered`; a failed commit rejects, so HTTP answers 503 and the
 * long connection acks 500 — either way Feishu sends the event again.
 */
export async function storePush(
  push: PushEvent,
  context: {
    readonly connection: string;
    readonly transport: 'http' | 'websocket';
    readonly inbox: EventInbox;
    readonly registry: EventRegistry;
    readonly logger: Logger;
    readonly started: number;
    readonly answered: (type: string, outcome: string) => void;
  },
): Promise<'stale' | 'stored' | 'duplicate'> {
  const fields = { connection: context.connection, eventType: push.eventType, eventId: push.eventId, transport: context.transport };
  if (push.stale) {
    context.logger.warn({ ...fields, createdAt: new Date(push.createdAt).toISOString() }, 'stale event dropped (older than EVENTS_MAX_AGE_HOURS)');
    context.answered(push.eventType, 'stale');
    return 'stale';
  }
  const arriving = {
    connection: context.connection,
    eventId: push.eventId,
    eventType: push.eventType,
    schema: push.schema,
    tenantKey: push.tenantKey,
    createdAt: new Date(push.createdAt),
    receivedAt: new Date(),
    payload: push.payload,
    transport: context.transport,
  };
  let outcome: 'stored' | 'duplicate';
  try {
    ({ outcome } = await context.inbox.accept(arriving, context.registry.orderingKeyOf(arriving)));
  } catch (error) {
    context.answered(push.eventType, isGatewayError(error) ? error.code : 'error');
    context.logger.warn({ ...fields, code: isGatewayError(error) ? error.code : undefined }, 'event not stored; Feishu will send it again');
    throw error;
  }
  context.answered(push.eventType, outcome);
  const elapsed = performance.now() - context.started;
  if (elapsed > SLOW_ACK_MS) context.logger.warn({ ...fields, ms: Math.round(elapsed) }, 'slow event acknowledgement');
  context.logger.debug({ ...fields, outcome, ms: Math.round(elapsed) }, 'event received');
  return outcome;
}
