import type { EmulatorState } from '../state/emulator-state.ts';
import type { App } from '../state/types.ts';

export const APP_TICKET_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Store apps receive a fresh app_ticket every hour (and on `app_ticket/resend`); without one they
 * cannot get an app token. `deliver` sends the ticket event to the app.
 */
export function issueAppTicket(state: EmulatorState, app: App, deliver: (app: App, ticket: string) => void): void {
  app.appTicket = state.random.hex(32);
  deliver(app, app.appTicket);
}

/** Re-issues every store app's ticket each emulated hour until the clock stops. */
export function scheduleAppTickets(state: EmulatorState, deliver: (app: App, ticket: string) => void): void {
  const tick = () => {
    for (const app of state.apps.values()) if (app.type === 'store') issueAppTicket(state, app, deliver);
    state.clock.at(state.clock.now() + APP_TICKET_INTERVAL_MS, tick);
  };
  state.clock.at(state.clock.now() + APP_TICKET_INTERVAL_MS, tick);
}
