import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/index.ts';
import type { ApiDescription } from './api-description.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './build-open-api-document.ts';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The document's own entry: the one `/api/v1` route that needs no API key. */
export const openApiDescription: ApiDescription = {
  tag: { name: 'meta', description: 'About the API itself.' },
  operations: [
    {
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      scope: null,
      response: { status: 200, description: 'The OpenAPI document of every `/api/v1` route.', schema: z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' }) },
    },
  ],
};

/**
 * Serves `GET /api/v1/openapi.json` without an API key: place it in `createHttpApp`'s routes
 * *before* `addApiRoutes`, whose key check would otherwise answer first. The document is written
 * on the first request, once every route is registered, and checked against the app's
 * `/api/v1` routes: a route without a description, or a description without a route, fails the
 * request (500, logged) rather than publishing a document that misleads.
 *
 * @example
 * routes: [openApiRoutes({ descriptions: [eventsApiDescription, directoryApiDescription] }), addApiRoutes({ … })]
 */
export function openApiRoutes(deps: { descriptions: readonly ApiDescription[]; version?: string }): (app: Hono<AppEnv>) => void {
  return (app) => {
    let document: OpenApiDocument | undefined;
    app.get(OPENAPI_PATH, (c) => {
      document ??= checkedDocument(app, [openApiDescription, ...deps.descriptions], deps.version ?? packageVersion());
      return c.json(document);
    });
  };
}

/** The routes an app serves under `/api/v1`, as `GET /api/v1/events/:id` (middleware excluded). */
export function apiRoutesOf(app: Hono<AppEnv>): string[] {
  const routes = app.routes.filter((route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL').map((route) => `${route.method} ${route.path}`);
  return [...new Set(routes)].sort();
}

function checkedDocument(app: Hono<AppEnv>, descriptions: readonly ApiDescription[], version: string): OpenApiDocument {
  const document = buildOpenApiDocument({ version, descriptions });
  const described = new Set(descriptions.flatMap((description) => description.operations.map((operation) => `${operation.method.toUpperCase()} ${operation.path}`)));
  const served = apiRoutesOf(app);
  const undescribed = served.filter((route) => !described.has(route));
  const unserved = [...described].filter((route) => !served.includes(route));
  if (undescribed.length > 0 || unserved.length > 0) {
    throw new Error(`The OpenAPI descriptions do not match the routes: not described ${JSON.stringify(undescribed)}, described but not served ${JSON.stringify(unserved)}.`);
  }
  return document;
}

function packageVersion(): string {
  // src/api-docs/ and dist/api-docs/ are both two levels below the package.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
