import type { Context } from 'hono';
import { controlError } from '../errors/control-error.ts';
import type { EventSink } from '../events/contact-events.ts';

const dropped: EventSink = { emit: () => undefined };

/**
 * Where a directory change made through the control API is reported: `bus`, or nowhere when the
 * call says `"silent": true` (body) or `?silent=true` (query). A silent change stands for one
 * whose event Feishu never delivered, so a test can make the emulator differ from what an app
 * has seen and check that a reconcile repairs it (issue 7).
 *
 * @example
 * const events = eventSinkFor(bus, c, body);
 * emitUserUpdated(events, tenant, before, after, sawBefore);
 */
export function eventSinkFor(bus: EventSink, c: Context, body: Record<string, unknown>): EventSink {
  const query = c.req.query('silent');
  const flag = body['silent'] ?? (query === undefined ? undefined : query === 'true' ? true : query === 'false' ? false : query);
  if (flag !== undefined && typeof flag !== 'boolean') throw controlError(400, 'silent must be true or false');
  return flag === true ? dropped : bus;
}
