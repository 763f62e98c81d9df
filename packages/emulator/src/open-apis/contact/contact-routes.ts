import type { Hono } from 'hono';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { addDepartmentRoutes } from './department-routes.ts';
import { addGroupRoutes } from './group-routes.ts';
import { addScopeRoutes } from './scope-routes.ts';
import { addUserRoutes } from './user-routes.ts';

/**
 * Contact v3 (platform doc §6): departments, users, user groups, the app's contact scope and the
 * tenant's workforce types. Every read is filtered by the calling app's contact scope.
 */
export function addContactRoutes(app: Hono, state: EmulatorState, options: { maxRecursiveDepartments: () => number }): void {
  addDepartmentRoutes(app, state, options);
  addUserRoutes(app, state);
  addGroupRoutes(app, state);
  addScopeRoutes(app, state);
}
