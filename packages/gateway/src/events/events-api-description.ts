import { z } from 'zod';
import type { ApiDescription } from '../api-docs/index.ts';
import { listQuerySchema } from './add-events-api-routes.ts';
import type { EventSummary } from './events-api-query.ts';
import { inboxIdSchema, replayCriteriaSchema } from './replay-events.ts';

const eventSummarySchema = z.strictObject({
  id: z.string(),
  connection: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  tenant_key: z.string().nullable(),
  created_at: z.iso.datetime().meta({ description: 'When Feishu created the event.' }),
  received_at: z.iso.datetime().meta({ description: 'When the gateway received it.' }),
  transport: z.enum(['http', 'websocket']),
  status: z.enum(['pending', 'handled', 'failed', 'dead']),
  attempts: z.number(),
  last_error: z.string().nullable(),
  handled_at: z.iso.datetime().nullable(),
});

// Fails to compile when EventSummary and its schema part ways.
const fits: [z.output<typeof eventSummarySchema>] extends [EventSummary] ? ([EventSummary] extends [z.output<typeof eventSummarySchema>] ? true : false) : false = true;
void fits;

/** The routes of `add-events-api-routes.ts`, for `/api/v1/openapi.json`. */
export const eventsApiDescription: ApiDescription = {
  tag: { name: 'events', description: 'The inbox of events Feishu pushed: their metadata and dispatch state (never their payload), and replay.' },
  schemas: { Event: eventSummarySchema },
  operations: [
    {
      method: 'get',
      path: '/api/v1/events',
      operationId: 'listEvents',
      summary: 'List inbound events, newest first',
      scope: 'events:read',
      query: listQuerySchema,
      response: { status: 200, description: 'A page of events.', schema: z.strictObject({ items: z.array(eventSummarySchema), next_cursor: z.string().nullable() }) },
      errors: ['http.invalid_query'],
    },
    {
      method: 'get',
      path: '/api/v1/events/:id',
      operationId: 'getEvent',
      summary: 'One inbound event',
      scope: 'events:read',
      params: z.object({ id: inboxIdSchema }),
      response: { status: 200, description: 'The event.', schema: eventSummarySchema },
      errors: ['events.not_found'],
    },
    {
      method: 'post',
      path: '/api/v1/events/replay',
      operationId: 'replayEvents',
      summary: 'Dispatch stored events again',
      description: 'Select events by `ids`, or by any of `type`, `connection`, `status`, `since` and `until` (not both). Pending events are skipped.',
      scope: 'events:replay',
      body: replayCriteriaSchema,
      response: { status: 200, description: 'How many events went back to the queue.', schema: z.strictObject({ replayed: z.number() }) },
      errors: ['http.malformed_body', 'http.invalid_body', 'events.replay_too_large'],
    },
  ],
};
