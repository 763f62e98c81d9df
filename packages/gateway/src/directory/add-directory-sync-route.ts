import type { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../api-keys/index.ts';
import { GatewayError } from '../errors/index.ts';
import { readJsonBody, type AppEnv } from '../http/index.ts';
import type { DirectoryScope } from './entity-rows.ts';
import type { StartSync } from './start-sync.ts';

export const syncRequestSchema = z
  .object({
    connection: z.string().min(1).max(200).default('default'),
    kind: z.enum(['reconcile', 'full'], { error: 'must be reconcile or full' }).default('reconcile'),
  })
  .strict();

/**
 * `POST /api/v1/directory/sync` (scope `directory:sync`): starts a reconcile (default) or a full
 * sync of a connection's directory and answers 202 with the run; a run already going is joined
 * (`joined: true`) rather than doubled. The work is done by the job runner.
 */
export function addDirectorySyncRoute(deps: { scopes: readonly DirectoryScope[]; startSync: StartSync }): (app: Hono<AppEnv>) => void {
  return (app) => {
    app.post('/api/v1/directory/sync', requireScope('directory:sync'), async (c) => {
      const request = await readJsonBody(c, syncRequestSchema);
      const scope = deps.scopes.find((candidate) => candidate.connection === request.connection);
      if (scope === undefined) throw new GatewayError('directory.connection_not_mirrored', `No mirrored directory belongs to a connection named "${request.connection}".`);
      const { runId, joined } = await deps.startSync(scope, request.kind);
      c.get('logger').info({ connection: scope.connection, kind: request.kind, runId, joined, apiKey: c.get('apiKey').id }, 'directory sync requested');
      return c.json({ run_id: runId, kind: request.kind, joined }, 202);
    });
  };
}
