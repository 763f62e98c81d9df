import type { z } from 'zod';
import type { ApiKeyScope } from '../api-keys/index.ts';
import type { ErrorCode } from '../errors/index.ts';

/**
 * One `/api/v1` route as the OpenAPI document shows it. The schemas are the zod schemas the route
 * itself validates with (and, for the answer, the schema its representation is checked against),
 * so the document follows the code.
 */
export type ApiOperation = {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As registered with Hono, e.g. `/api/v1/directory/users/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** The scope the route's `requireScope` checks; `null` only for a route that needs no key. */
  readonly scope: ApiKeyScope | null;
  /** Path parameters, one property per `:name`. */
  readonly params?: z.ZodObject;
  /** Query parameters, one property each; `.meta({ description })` becomes the parameter's. */
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly response: { readonly status: number; readonly description: string; readonly schema?: z.ZodType };
  /** The codes the route itself answers with; 401 and 403 are added for routes with a scope. */
  readonly errors?: readonly ErrorCode[];
};

/**
 * What one capability adds to the OpenAPI document: its tag, its operations, and the schemas it
 * wants named under `components.schemas` (named once, referenced wherever they occur).
 *
 * @example
 * export const directoryApiDescription: ApiDescription = { tag: { name: 'directory', description: '…' }, schemas: { DirectoryUser: userViewSchema }, operations: [...] };
 */
export type ApiDescription = {
  readonly tag: { readonly name: string; readonly description: string };
  readonly schemas?: Readonly<Record<string, z.ZodType>>;
  readonly operations: readonly ApiOperation[];
};
