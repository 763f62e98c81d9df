import { Hono } from 'hono';
import { addCardControlRoutes } from '../control/card-routes.ts';
import { addControlRoutes, type ControlHooks } from '../control/control-routes.ts';
import { addMessageControlRoutes } from '../control/message-routes.ts';
import { addDeliveryRoutes } from '../control/delivery-routes.ts';
import { addDirectoryGroupRoutes } from '../control/directory-group-routes.ts';
import { addDirectoryRoutes } from '../control/directory-routes.ts';
import { addEmployeeTypeRoutes } from '../control/employee-type-routes.ts';
import { addFaultRoutes } from '../control/fault-routes.ts';
import { addLimitRoutes } from '../control/limit-routes.ts';
import { addLongConnectionRoutes } from '../control/long-connection-routes.ts';
import { addOAuthControlRoutes } from '../control/oauth-control-routes.ts';
import type { EventBus } from '../events/event-bus.ts';
import { addEndpointRoutes } from '../long-connection/endpoint-routes.ts';
import type { LongConnectionHub } from '../long-connection/long-connection-hub.ts';
import { faultMiddleware } from '../faults/fault-middleware.ts';
import { rateLimitMiddleware } from '../limits/rate-limit-middleware.ts';
import { addAuthRoutes } from '../open-apis/auth/auth-routes.ts';
import { addAuthenRoutes } from '../open-apis/authen/authen-routes.ts';
import { addContactRoutes } from '../open-apis/contact/contact-routes.ts';
import { addImRoutes } from '../open-apis/im/im-routes.ts';
import { addCardUpdateRoutes } from '../open-apis/interactive/card-update-routes.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { allowedMethods } from './allowed-methods.ts';
import { commonErrors } from '../errors/common-errors.ts';
import { errorResponse } from '../errors/error-response.ts';
import { FeishuError } from '../errors/feishu-error.ts';

/**
 * The emulator's HTTP surface: one base URL standing in for open.feishu.cn and
 * accounts.feishu.cn (and the long-connection endpoint), plus the control API. Every response carries `x-tt-logid`.
 */
export function createEmulatorApp(state: EmulatorState, hooks: ControlHooks, bus: EventBus, hub: LongConnectionHub): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    c.header('x-tt-logid', state.logId());
    await next();
  });
  app.use('/open-apis/*', faultMiddleware(state));
  app.use('/open-apis/*', rateLimitMiddleware(state));

  addAuthRoutes(app, state, hooks);
  addAuthenRoutes(app, state);
  addOAuthControlRoutes(app, state);
  addContactRoutes(app, state, { maxRecursiveDepartments: () => state.options.maxRecursiveDepartments });
  addImRoutes(app, state, bus);
  addCardUpdateRoutes(app, state);
  addControlRoutes(app, state, hooks);
  addMessageControlRoutes(app, state, bus);
  addDirectoryRoutes(app, state, bus);
  addDirectoryGroupRoutes(app, state);
  addEmployeeTypeRoutes(app, state, bus);
  addDeliveryRoutes(app, state, bus);
  addLimitRoutes(app, state);
  addFaultRoutes(app, state);
  // Callbacks of apps in websocket callback mode go through the hub (issue 4 item 4).
  addCardControlRoutes(app, state, hub);
  addEndpointRoutes(app, state, hub);
  addLongConnectionRoutes(app, state, hub);

  // Built here, once every route is registered. Only Feishu's paths answer 99991301 (§11); the
  // control API keeps plain 404s.
  const methodsFor = allowedMethods(app.routes);
  app.notFound((c) => {
    const allowed = c.req.path.startsWith('/open-apis/') ? methodsFor(c.req.path) : [];
    // A route of this very method that chose to answer "not found" stays a 404.
    const wrongMethod = allowed.length > 0 && !allowed.includes(c.req.method === 'HEAD' ? 'GET' : c.req.method);
    const error = wrongMethod ? commonErrors.methodNotAllowed() : commonErrors.notFound();
    if (wrongMethod) c.header('allow', allowed.join(', '));
    return errorResponse(c, error, c.res.headers.get('x-tt-logid') ?? state.logId());
  });
  app.onError((error, c) => {
    const logId = c.res.headers.get('x-tt-logid') ?? state.logId();
    if (error instanceof FeishuError) return errorResponse(c, error, logId);
    process.stderr.write(`feishu-emulator: internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}\n`);
    return errorResponse(c, commonErrors.internal(), logId);
  });
  return app;
}
