import type { Hono } from 'hono';
import type { EventBus } from '../../events/event-bus.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { addBotHookRoutes } from './bot-hook-routes.ts';
import { addChatRoutes } from './chat-routes.ts';
import { addMessageRoutes } from './message-routes.ts';

/** IM v1: messages, chats, and custom-bot webhooks. */
export function addImRoutes(app: Hono, state: EmulatorState, bus: EventBus): void {
  addMessageRoutes(app, state);
  addChatRoutes(app, state, bus);
  addBotHookRoutes(app, state);
}
