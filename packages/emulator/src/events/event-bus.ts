import type { EmulatorState } from '../state/emulator-state.ts';
import type { App } from '../state/types.ts';

/**
 * How the rest of the emulator reports things that happened. The bus turns them into Feishu
 * events for every app that is installed in the tenant, subscribed to the type, and (for contact
 * events) allowed to see the entity, and delivers them in the app's mode (HTTP push for now).
 */
export type EventBus = {
  /**
   * Emits `eventType` in `tenantKey`. `build` makes the `event` body for one app (ids differ per
   * app) or returns undefined to skip that app (for example, the entity is outside its scope).
   */
  emit(tenantKey: string, eventType: string, build: (app: App) => Record<string, unknown> | undefined): void;
  /** Sends a store app its app_ticket (v1 envelope). */
  deliverAppTicket(app: App, ticket: string): void;
  /** Stops retries in flight. */
  stop(): void;
};

/** Placeholder until event push lands: events are dropped. */
export function createEventBus(_state: EmulatorState): EventBus {
  return { emit: () => {}, deliverAppTicket: () => {}, stop: () => {} };
}
