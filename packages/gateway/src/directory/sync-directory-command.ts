import type { FeishuConnectionConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { createJobRunner, defineJob } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import { createStartSync, type SyncJobData } from './start-sync.ts';

export type SyncDirectoryRequest = { readonly connection: string; readonly full: boolean };

/** Reads `sync directory [--connection NAME] [--full]`. Rejects with `cli.usage`. */
export function parseSyncCommand(args: readonly string[], flags: { connection?: string | undefined; full?: boolean | undefined }): SyncDirectoryRequest {
  const [what, ...rest] = args;
  if (what !== 'directory') throw new GatewayError('cli.usage', what === undefined ? 'sync needs what to sync: directory' : `unknown sync target "${what}"`);
  if (rest.length > 0) throw new GatewayError('cli.usage', `unexpected argument "${rest[0] ?? ''}"`);
  return { connection: flags.connection ?? 'default', full: flags.full === true };
}

/**
 * `feishu-gateway sync directory`: starts a reconcile (or, with `--full`, a full sync) of a
 * connection's directory, straight on the database through a job runner that only enqueues; the
 * running gateway does the work. When one is already running, the command joins it.
 */
export async function runSyncCommand(database: Database, logger: Logger, connections: readonly FeishuConnectionConfig[], request: SyncDirectoryRequest): Promise<{ runId: string; joined: boolean }> {
  const connection = connections.find((candidate) => candidate.name === request.connection);
  if (connection === undefined) throw new GatewayError('cli.usage', `no Feishu connection is named "${request.connection}"`);
  if (connection.appType !== 'self_built') throw new GatewayError('cli.usage', `connection "${request.connection}" is a store app; only self-built apps' directories are mirrored`);
  // Only its name matters: this runner never works the queue.
  const syncJob = defineJob<SyncJobData>({
    name: 'directory.sync',
    handler: async () => {
      throw new Error('the command line does not sync');
    },
  });
  const runner = createJobRunner({ database, logger, jobs: [syncJob], work: false });
  await runner.start();
  try {
    return await createStartSync({ database, jobs: () => runner, syncJob })({ connection: connection.name, tenantKey: '' }, request.full ? 'full' : 'reconcile');
  } finally {
    await runner.stop({ timeoutMs: 1_000 });
  }
}
