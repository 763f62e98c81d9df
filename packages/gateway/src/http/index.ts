export type { AppEnv } from './app-env.ts';
export { createHttpApp, type CreateHttpAppOptions } from './create-http-app.ts';
export { createMetrics, type Metrics } from './create-metrics.ts';
export { errorResponse } from './error-response.ts';
export { addHealthRoutes, type ReadinessCheck } from './health-routes.ts';
export { decodeIdCursor, encodeIdCursor } from './id-cursor.ts';
export { parseJsonBody, readJsonBody, readRawBody } from './read-json-body.ts';
export { queryInteger, readQuery } from './read-query.ts';
export { startHttpServer, type HttpServer, type StartHttpServerOptions } from './start-http-server.ts';
