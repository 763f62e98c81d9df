import type { Hono } from 'hono';
import type { EmulatorState } from '../../state/emulator-state.ts';

/** OAuth (authen v1/v2): authorize and login page, code and refresh token grants, user_info. */
export function addAuthenRoutes(_app: Hono, _state: EmulatorState): void {}
