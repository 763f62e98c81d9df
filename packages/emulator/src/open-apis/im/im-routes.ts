import type { Hono } from 'hono';
import type { EventBus } from '../../events/event-bus.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';

/** IM v1: messages, chats, and custom-bot webhooks. */
export function addImRoutes(_app: Hono, _state: EmulatorState, _bus: EventBus): void {}
