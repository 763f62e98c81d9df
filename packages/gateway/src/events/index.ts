export { createEvents, type Events } from './create-events.ts';
export type { EventHandler, EventHandlerOptions, EventRegistry, InboundEvent, TransactionalEventHandler } from './event-registry.ts';
export { createCardActions, type CardActions, type CardActionHandler, type CardActionMatch, type CardAnswer, type CardToast } from './card-actions.ts';
export type { CardCallback } from './open-card-callback.ts';
export { addEventsApiRoutes } from './add-events-api-routes.ts';
export { eventsApiDescription } from './events-api-description.ts';
export { createEventReplay, inboxOrderingKeys, type ReplayCriteria } from './replay-events.ts';
export { parseReplayCommand, runReplayCommand } from './replay-events-command.ts';
