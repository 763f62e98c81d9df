import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiDescription, ApiOperation } from './api-description.ts';
import { buildOpenApiDocument } from './build-open-api-document.ts';

const item = z.strictObject({ id: z.string() });
const base: ApiOperation = { method: 'get', path: '/api/v1/things/:id', operationId: 'getThing', summary: 'A thing', scope: 'events:read', params: z.object({ id: z.string() }), response: { status: 200, description: 'The thing.', schema: item } };
const described = (...operations: ApiOperation[]): ApiDescription => ({ tag: { name: 'things', description: 'Things.' }, schemas: { Thing: item }, operations });

describe('buildOpenApiDocument', () => {
  it('names shared schemas once and refers to them, and turns :id into {id}', () => {
    const page = z.strictObject({ items: z.array(item) });
    const document = buildOpenApiDocument({ version: '1.2.3', descriptions: [described(base, { ...base, path: '/api/v1/things', operationId: 'listThings', params: undefined as never, response: { status: 200, description: 'Things.', schema: page } })] });
    expect(Object.keys(document.paths)).toEqual(['/api/v1/things', '/api/v1/things/{id}']);
    expect(document.components.schemas['Thing']).toEqual({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false });
    expect(document.components.schemas['ListThingsResponse']).toMatchObject({ properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Thing' } } } });
    expect(document.paths['/api/v1/things/{id}']?.['get']).toMatchObject({
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, '401': {}, '403': {} },
      security: [{ apiKey: ['events:read'] }],
    });
  });

  it('refuses an operation id used twice, and path parameters that do not match the path', () => {
    expect(() => buildOpenApiDocument({ version: '1', descriptions: [described(base, { ...base, path: '/api/v1/other/:id' })] })).toThrow(/getThing is used twice/);
    expect(() => buildOpenApiDocument({ version: '1', descriptions: [described({ ...base, params: z.object({ name: z.string() }) })] })).toThrow(/has parameters \[id\], described \[name\]/);
  });

  it('refuses a schema named outside the descriptions, whose reference would point nowhere', () => {
    const stray = z.strictObject({ id: z.string() }).meta({ id: 'StrayThing' });
    expect(() => buildOpenApiDocument({ version: '1', descriptions: [described({ ...base, response: { status: 200, description: 'x', schema: z.object({ thing: stray }) } })] })).toThrow(/StrayThing/);
  });
});
