import type { Hono } from 'hono';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { addAuthorizeRoutes } from './authorize-routes.ts';
import { addTokenV1Routes } from './token-v1-routes.ts';
import { addTokenV2Routes } from './token-v2-routes.ts';
import { addUserInfoRoutes } from './user-info-routes.ts';

/** OAuth (authen v1/v2): authorize and login page, code and refresh token grants, user_info. */
export function addAuthenRoutes(app: Hono, state: EmulatorState): void {
  addAuthorizeRoutes(app, state);
  addTokenV2Routes(app, state);
  addTokenV1Routes(app, state);
  addUserInfoRoutes(app, state);
}
