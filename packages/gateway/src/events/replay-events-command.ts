import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { createJobRunner, defineJob } from '../jobs/index.ts';
import type { Logger } from '../log/index.ts';
import type { DispatchData } from './create-event-inbox.ts';
import { DISPATCH_JOB_NAME } from './create-dispatch-job.ts';
import { createEventReplay, replayCriteriaSchema, type ReplayCriteria } from './replay-events.ts';

export type ReplayFlags = {
  readonly id?: readonly string[] | undefined;
  readonly type?: string | undefined;
  readonly connection?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly status?: string | undefined;
};

const flagOf: Readonly<Record<string, string>> = { ids: '--id', type: '--type', connection: '--connection', since: '--since', until: '--until', status: '--status' };

/** Reads `events replay` flags into replay criteria, before anything is opened. Rejects with `cli.usage`. */
export function parseReplayCommand(args: readonly string[], flags: ReplayFlags): ReplayCriteria {
  const [action, ...rest] = args;
  if (action !== 'replay') throw new GatewayError('cli.usage', action === undefined ? 'events needs a command: replay' : `unknown events command "${action}"`);
  if (rest.length > 0) throw new GatewayError('cli.usage', `unexpected argument "${rest[0] ?? ''}"`);
  const parsed = replayCriteriaSchema.safeParse({
    ids: flags.id,
    type: flags.type,
    connection: flags.connection,
    since: flags.since,
    until: flags.until,
    status: flags.status,
  });
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const field = issue?.path[0];
  const where = typeof field === 'string' ? `${flagOf[field] ?? field}: ` : '';
  throw new GatewayError('cli.usage', `events replay ${where}${issue?.message ?? 'invalid flags'}`);
}

/**
 * `feishu-gateway events replay`, straight on the database: the same replay as the API, through
 * a job runner that only enqueues. A running gateway (on PostgreSQL) picks the jobs up; on PGlite
 * the gateway must be stopped for this, and handles them when it starts. Without the gateway's
 * handlers the command cannot compute ordering keys, so replayed events run unordered.
 */
export async function runReplayCommand(database: Database, logger: Logger, criteria: ReplayCriteria): Promise<number> {
  // Only its name matters: this runner never works the queue.
  const dispatchJob = defineJob<DispatchData>({
    name: DISPATCH_JOB_NAME,
    handler: async () => {
      throw new Error('the command line does not dispatch events');
    },
  });
  const runner = createJobRunner({ database, logger, jobs: [dispatchJob], work: false });
  await runner.start();
  try {
    const { replayed } = await createEventReplay({ database, jobs: () => runner, dispatchJob })(criteria);
    return replayed;
  } finally {
    await runner.stop({ timeoutMs: 1_000 });
  }
}
