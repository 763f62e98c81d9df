import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import type { AppEnv } from './app-env.ts';
import type { Metrics } from './create-metrics.ts';
import { errorResponse } from './error-response.ts';
import { addHealthRoutes, type ReadinessCheck } from './health-routes.ts';

export type CreateHttpAppOptions = {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: number;
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Capability routes, added after the health routes; each capability mounts its own. */
  readonly routes?: readonly ((app: Hono<AppEnv>) => void)[];
};

// Probes and scrapes arrive every few seconds; logging them at info would drown everything else.
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Assembles the gateway's HTTP application: request ids, per-request logger and metrics, the
 * body limit, health routes, capability routes, and one error mapping for all of them.
 */
export function createHttpApp(options: CreateHttpAppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const logger = options.logger.child({ reqId: c.get('requestId') });
    c.set('logger', logger);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const matched = routePath(c, -1);
    const route = matched === '/*' || matched === '*' ? 'unmatched' : matched;
    options.metrics.httpRequestDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    // The path only: query strings can carry OAuth codes and other secrets.
    const line = { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) };
    if (quietPaths.has(c.req.path) && c.res.status < 400) logger.debug(line, 'request');
    else logger.info(line, 'request');
  });
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: (c) => errorResponse(c as Context<AppEnv>, new GatewayError('http.body_too_large', `Request body exceeds ${options.bodyLimitBytes} bytes.`)),
    }),
  );

  addHealthRoutes(app, { checks: options.readinessChecks, metrics: options.metrics });
  for (const addRoutes of options.routes ?? []) addRoutes(app);

  app.notFound((c) => errorResponse(c, new GatewayError('http.not_found', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => errorResponse(c, error));
  return app;
}
