import { z } from 'zod';
import { apiKeyScopes } from '../api-keys/index.ts';
import { errorCodes, type ErrorCode } from '../errors/index.ts';
import type { ApiDescription, ApiOperation } from './api-description.ts';

type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI 3.1 document the gateway writes; everything else is absent. */
export type OpenApiDocument = {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
};

const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ description: 'A stable code from docs/errors.md, such as `directory.user_not_found`.' }),
    message: z.string().meta({ description: 'For people; may change between versions.' }),
  }),
});

const SECURITY_SCHEME = 'apiKey';

/**
 * Writes the OpenAPI 3.1 document of `/api/v1` from the capabilities' descriptions. Every schema
 * in it is converted (`z.toJSONSchema`) from the zod schema the route validates with or answers
 * in, so the document changes with the code. Throws on a description that cannot be right (an
 * operation id used twice, path parameters that do not match the path, a schema that zod cannot
 * express in JSON Schema): a programming error, found by the tests.
 *
 * @example
 * const document = buildOpenApiDocument({ version: '0.1.0', descriptions: [eventsApiDescription, directoryApiDescription] });
 */
export function buildOpenApiDocument(options: { version: string; descriptions: readonly ApiDescription[] }): OpenApiDocument {
  const operations = options.descriptions.flatMap((description) => description.operations.map((operation) => ({ operation, tag: description.tag.name })));
  const schemas = componentSchemas(options.descriptions, operations.map(({ operation }) => operation));
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const { operation, tag } of operations) {
    if (operationIds.has(operation.operationId)) throw new Error(`operationId ${operation.operationId} is used twice`);
    operationIds.add(operation.operationId);
    const path = openApiPath(operation);
    const item = (paths[path] ??= {});
    if (item[operation.method] !== undefined) throw new Error(`${operation.method.toUpperCase()} ${operation.path} is described twice`);
    item[operation.method] = describeOperation(operation, tag, schemas.refs);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Feishu Gateway API',
      version: options.version,
      description: 'The API internal systems use to reach the gateway. Every operation needs an API key (`Authorization: Bearer fgw_…`) with the scope it names, except this document itself. Errors are `{"error":{"code","message"}}`; docs/errors.md lists every code.',
    },
    tags: tagsOf(options.descriptions),
    security: [{ [SECURITY_SCHEME]: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'fgw_ followed by 43 base64url characters',
          description: `An API key created with \`feishu-gateway api-keys create --name NAME --scope SCOPE\`. Each operation lists the one scope it needs. Scopes: ${Object.entries(apiKeyScopes)
            .map(([scope, meaning]) => `\`${scope}\` (${meaning})`)
            .join('; ')}`,
        },
      },
      schemas: schemas.components,
    },
  };
}

/**
 * Converts every named schema, every answer schema and the error schema at once, so that a schema
 * used in several places is written once under `components.schemas` and referenced.
 */
function componentSchemas(descriptions: readonly ApiDescription[], operations: readonly ApiOperation[]) {
  const registry = z.registry<{ id: string }>();
  registry.add(errorSchema, { id: 'Error' });
  for (const description of descriptions) {
    for (const [name, schema] of Object.entries(description.schemas ?? {})) {
      if (registry.has(schema)) throw new Error(`schema ${name} is also named ${registry.get(schema)?.id ?? ''}`);
      registry.add(schema, { id: name });
    }
  }
  const refs = new Map<z.ZodType, string>();
  for (const operation of operations) {
    const schema = operation.response.schema;
    if (schema === undefined) continue;
    if (!registry.has(schema)) registry.add(schema, { id: `${operation.operationId.charAt(0).toUpperCase()}${operation.operationId.slice(1)}Response` });
    refs.set(schema, `#/components/schemas/${registry.get(schema)?.id ?? ''}`);
  }
  refs.set(errorSchema, '#/components/schemas/Error');
  const converted = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` }).schemas;
  // zod puts schemas it found named elsewhere (a global `.meta({ id })`) under `__shared`; the
  // document would then point at a place that does not exist.
  if ('__shared' in converted) throw new Error(`name these schemas in an ApiDescription's schemas: ${Object.keys((converted['__shared'] as { $defs?: object }).$defs ?? {}).join(', ')}`);
  const components = Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, withoutDialect(schema)]));
  return { components, refs };
}

function describeOperation(operation: ApiOperation, tag: string, refs: ReadonlyMap<z.ZodType, string>): JsonSchema {
  const needsKey = operation.scope !== null;
  const errors: ErrorCode[] = [...(needsKey ? (['api.unauthorized', 'api.forbidden'] as const) : []), ...(operation.errors ?? [])];
  const responses: Record<string, JsonSchema> = {
    [String(operation.response.status)]: {
      description: operation.response.description,
      ...(operation.response.schema === undefined ? {} : { content: { 'application/json': { schema: { $ref: refs.get(operation.response.schema) } } } }),
    },
  };
  for (const [status, codes] of Map.groupBy(errors, (code) => errorCodes[code].status)) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${errorCodes[code].description}`).join('\n\n'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const scopeNote = operation.scope === null ? 'Needs no API key.' : `Needs an API key with the scope \`${operation.scope}\`.`;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description === undefined ? scopeNote : `${operation.description}\n\n${scopeNote}`,
    tags: [tag],
    // OpenAPI 3.1 lets a non-OAuth requirement list the roles it needs: here, the scope.
    security: operation.scope === null ? [] : [{ [SECURITY_SCHEME]: [operation.scope] }],
    ...(operation.params === undefined && operation.query === undefined ? {} : { parameters: [...parametersOf(operation.params, 'path'), ...parametersOf(operation.query, 'query')] }),
    ...(operation.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: withoutDialect(z.toJSONSchema(operation.body, { io: 'input', unrepresentable: 'throw' })) } } } }),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** One parameter per property, described as the client sends it (`io: 'input'`). */
function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Each tag once: several descriptions may share one (the directory's reads and its sync); the first describes it. */
function tagsOf(descriptions: readonly ApiDescription[]): OpenApiDocument['tags'] {
  const tags = new Map<string, OpenApiDocument['tags'][number]>();
  for (const { tag } of descriptions) if (!tags.has(tag.name)) tags.set(tag.name, { ...tag });
  return [...tags.values()];
}

/** `/api/v1/users/:id` → `/api/v1/users/{id}`, checking that the path parameters are all described. */
function openApiPath(operation: ApiOperation): string {
  const names = [...operation.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
  const described = Object.keys(operation.params?.shape ?? {});
  if (names.join() !== described.join()) throw new Error(`${operation.operationId}: path ${operation.path} has parameters [${names.join(', ')}], described [${described.join(', ')}]`);
  return operation.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

// Components live inside the OpenAPI document, whose dialect is JSON Schema 2020-12 already; an
// `$id` of `#/…` would not even be a valid identifier there.
function withoutDialect(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));
}
