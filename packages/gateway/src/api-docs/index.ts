export type { ApiDescription, ApiOperation } from './api-description.ts';
export { buildOpenApiDocument, type OpenApiDocument } from './build-open-api-document.ts';
export { apiRoutesOf, openApiDescription, openApiRoutes, OPENAPI_PATH } from './open-api-routes.ts';
