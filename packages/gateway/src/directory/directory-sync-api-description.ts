import { z } from 'zod';
import type { ApiDescription } from '../api-docs/index.ts';
import { syncRequestSchema } from './add-directory-sync-route.ts';

/**
 * `POST /api/v1/directory/sync` (add-directory-sync-route.ts), for `/api/v1/openapi.json`. Apart
 * from `directoryApiDescription` because it is mounted apart, by `createDirectory`'s `routes`.
 */
export const directorySyncApiDescription: ApiDescription = {
  tag: { name: 'directory', description: 'The Feishu organisation mirrored by directory sync: users, departments, user groups.' },
  operations: [
    {
      method: 'post',
      path: '/api/v1/directory/sync',
      operationId: 'startDirectorySync',
      summary: 'Start a reconcile or a full sync',
      description: 'The job runner does the work; a run already going for the connection is joined (`joined: true`) rather than doubled.',
      scope: 'directory:sync',
      body: syncRequestSchema,
      response: {
        status: 202,
        description: 'The run that will do it.',
        schema: z.strictObject({ run_id: z.string(), kind: z.enum(['reconcile', 'full']), joined: z.boolean() }),
      },
      errors: ['http.malformed_body', 'http.invalid_body', 'directory.connection_not_mirrored'],
    },
  ],
};
