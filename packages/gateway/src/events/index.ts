export { createEvents, type Events } from './create-events.ts';
export type { EventHandler, EventHandlerOptions, EventRegistry, InboundEvent } from './event-registry.ts';
