#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApiKeys, parseApiKeysCommand, runApiKeysCommand, type ApiKeysCommand } from './api-keys/index.ts';
import { formatConfigProblems, loadConfig, secretValuesOf, type Config, type ConfigProblem } from './config/index.ts';
import { ensureInstallation, openDatabase, runMigrations, type Database } from './db/index.ts';
import { GatewayError, isGatewayError } from './errors/index.ts';
import { parseSyncCommand, runSyncCommand, type SyncDirectoryRequest } from './directory/index.ts';
import { parseReplayCommand, runReplayCommand, type ReplayCriteria } from './events/index.ts';
import { createLogger, type Logger } from './log/index.ts';
import { demoBanner, startDemo } from './demo/index.ts';
import { migrateDatabase, startGateway } from './main.ts';
import { loadKeyring } from './secrets/index.ts';
import { createWebhookSubscriptions, parseWebhooksCommand, runWebhooksCommand, type WebhooksCommand } from './webhooks/index.ts';

const usage = `Usage: feishu-gateway <command> [options]

Commands:
  start               Migrate the database, then run the gateway until SIGTERM or SIGINT
  migrate             Apply pending database migrations and exit
  api-keys create     Create an API key for /api/v1 and print it (only this once):
                        --name NAME --scope SCOPE [--scope SCOPE …]
                        scopes: events:read, events:replay, directory:read,
                        webhooks:manage
  api-keys list       List API keys (ids, names, scopes, last use; never the keys)
  api-keys revoke ID  Revoke an API key at once
  events replay       Dispatch stored events to their handlers again, either
                        --id ID [--id ID …]  or  any of --type TYPE --connection NAME
                        --since ISO-TIME --until ISO-TIME --status handled|failed|dead
  webhooks create     Subscribe a URL to directory changes and print its signing
                        secret (only this once): --url URL --events TYPES
                        (e.g. user.*,department.created) [--connection NAME]
  webhooks list       List subscriptions (never their secrets)
  webhooks enable|disable|delete ID
  webhooks deliveries ID [--status pending|delivered|failed]
  sync directory      Compare the directory mirror with Feishu and repair every
                        difference (a reconcile), or with --full sync it afresh;
                        [--connection NAME] (default: default). The running
                        gateway does the work; one already running is joined.

Options:
  --config FILE   Read settings from a JSON or YAML file (environment variables win)
  -h, --help      Show this help and exit
  -v, --version   Print the version and exit

Settings: docs/configuration.md. API: docs/api.md.
Exit status: 0 done, 1 failed, 2 bad usage or configuration.
`;

// SIGTERM must end the process within 10 s (orchestrators kill after that); stop takes at most
// about 8.5 s, and this is the hard limit behind it.
const forcedExitAfterMs = 9_500;

type Io = { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };

type Command = { name: 'start' } | { name: 'migrate' } | { name: 'api-keys'; request: ApiKeysCommand } | { name: 'events'; criteria: ReplayCriteria } | { name: 'sync'; request: SyncDirectoryRequest } | { name: 'webhooks'; request: WebhooksCommand };

// The flags each command takes beyond the global ones.
const commandFlags: Readonly<Record<string, readonly string[]>> = {
  start: [],
  migrate: [],
  'api-keys': ['name', 'scope'],
  events: ['id', 'type', 'connection', 'since', 'until', 'status'],
  sync: ['connection', 'full'],
  webhooks: ['url', 'events', 'connection', 'status'],
};

/**
 * Runs the command line and resolves with the exit status. For `start` it resolves only once
 * the gateway has stopped after a signal.
 */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        name: { type: 'string' },
        scope: { type: 'string', multiple: true },
        id: { type: 'string', multiple: true },
        type: { type: 'string' },
        connection: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        status: { type: 'string' },
        full: { type: 'boolean' },
        url: { type: 'string' },
        events: { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr(`feishu-gateway: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout(usage);
    return 0;
  }
  if (values.version === true) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  let command: Command;
  try {
    command = parseCommand(positionals, values);
  } catch (error) {
    if (!isGatewayError(error, 'cli.usage')) throw error;
    io.stderr(`feishu-gateway: ${error.message}\n\n${usage}`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig({ env, configFile: values.config, cwd: process.cwd() });
  } catch (error) {
    if (!isGatewayError(error, 'config.invalid')) throw error;
    io.stderr(`feishu-gateway: ${formatConfigProblems(error.details?.['problems'] as ConfigProblem[])}\n`);
    return 2;
  }

  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: secretValuesOf(config) });
  try {
    if (command.name === 'migrate') {
      const applied = await migrateDatabase(config, logger);
      io.stdout(applied.length === 0 ? 'Database is up to date.\n' : `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`);
      return 0;
    }
    if (command.name === 'api-keys') {
      const { request } = command;
      await withDatabase(config, logger, io, async (database) => await runApiKeysCommand(createApiKeys(database), request, io));
      return 0;
    }
    if (command.name === 'webhooks') {
      const { request } = command;
      await withDatabase(config, logger, io, async (database) => {
        const keyring = loadKeyring({ secretKeys: config.secretKeys, dataDir: config.dataDir });
        // The installation check tells a wrong secret key apart before a secret is sealed with it.
        await ensureInstallation(database, keyring);
        await runWebhooksCommand(createWebhookSubscriptions({ database, keyring, allowedHosts: config.webhooks.allowedHosts }), request, io);
      });
      return 0;
    }
    if (command.name === 'sync') {
      const { request } = command;
      const connections = config.envConnection === undefined ? [] : [config.envConnection];
      const { runId, joined } = await withDatabase(config, logger, io, async (database) => await runSyncCommand(database, logger, connections, request));
      io.stdout(joined ? `A directory sync is already running (run ${runId}); it continues.\n` : `Directory ${request.full ? 'full sync' : 'reconcile'} started (run ${runId}); the gateway runs it.\n`);
      return 0;
    }
    if (command.name === 'events') {
      const { criteria } = command;
      const replayed = await withDatabase(config, logger, io, async (database) => await runReplayCommand(database, logger, criteria));
      io.stdout(replayed === 0 ? 'No events to replay matched (pending events are skipped).\n' : `Replayed ${replayed} event(s); the gateway dispatches them.\n`);
      return 0;
    }
    // Handlers go in before start-up begins: a SIGTERM that arrives while the gateway is still
    // starting (or in the instant after it logged "listening") must stop it cleanly, not kill it.
    // The hard limit starts with the signal, so even a start-up stuck retrying the database ends
    // within 10 s.
    let signalled: (signal: NodeJS.Signals) => void = () => {};
    const signal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
    const onSignal = (received: NodeJS.Signals) => {
      setTimeout(() => {
        logger.error('graceful stop took too long; exiting');
        process.exit(1);
      }, forcedExitAfterMs).unref();
      signalled(received);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    // Demo mode is for a first run with nothing configured: no Feishu app and no database of one's own.
    const demo = config.envConnection === undefined && config.database.url === undefined && config.demoMode === 'auto';
    const running = demo ? await startDemoMode(config, env, logger, io) : await startGateway(config, logger);
    logger.info({ signal: await signal }, 'signal received');
    try {
      await running.stop();
      return 0;
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      return 1;
    }
  } catch (error) {
    // Expected start-up failures (database unreachable, port in use, wrong key) are one clear line.
    if (isGatewayError(error)) {
      io.stderr(`feishu-gateway: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'unexpected failure');
      io.stderr(`feishu-gateway: unexpected failure: ${(error as Error).message}\n`);
    }
    return 1;
  }
}

/** Demo mode: the emulator in-process, a banner now and a line once the directory is synced. */
async function startDemoMode(config: Config, env: Readonly<Record<string, string | undefined>>, logger: Logger, io: Io): Promise<{ stop(): Promise<void> }> {
  const demo = await startDemo(config, env, logger);
  io.stdout(`${demoBanner(demo, false)}\n`);
  void demo.gateway.directory
    .whenSynced()
    .then(() => io.stdout(`  Demo directory synced: try the curl line above.\n`))
    .catch((error: unknown) => logger.warn({ err: error }, 'demo directory sync did not finish'));
  return demo;
}

function parseCommand(positionals: readonly string[], values: Record<string, unknown>): Command {
  const [name, ...args] = positionals;
  const usage = (message: string) => new GatewayError('cli.usage', message);
  if (name === undefined) throw usage('a command is required');
  const allowed = commandFlags[name];
  if (allowed === undefined) throw usage(`unknown command "${name}"`);
  const foreign = Object.keys(commandFlags)
    .flatMap((command) => commandFlags[command] ?? [])
    .find((flag) => values[flag] !== undefined && !allowed.includes(flag));
  if (foreign !== undefined) throw usage(`--${foreign} is not an option of ${name}`);
  if (name === 'api-keys') return { name, request: parseApiKeysCommand(args, { name: values['name'] as string | undefined, scope: values['scope'] as string[] | undefined }) };
  if (name === 'events') return { name, criteria: parseReplayCommand(args, values) };
  if (name === 'webhooks') {
    return { name, request: parseWebhooksCommand(args, { url: values['url'] as string | undefined, events: values['events'] as string | undefined, connection: values['connection'] as string | undefined, status: values['status'] as string | undefined }) };
  }
  if (name === 'sync') return { name, request: parseSyncCommand(args, { connection: values['connection'] as string | undefined, full: values['full'] as boolean | undefined }) };
  if (args.length > 0) throw usage(`unexpected argument "${args[0] ?? ''}"`);
  return name === 'start' ? { name } : { name: 'migrate' };
}

/**
 * Opens the database for a one-off command, applying pending migrations first as `start` does,
 * and closes it afterwards. Notes go to stderr, so stdout carries only the command's result.
 */
async function withDatabase<T>(config: Config, logger: Logger, io: Io, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config, logger);
  try {
    const applied = await runMigrations(database);
    if (applied.length > 0) io.stderr(`Applied ${applied.length} migration(s) first: ${applied.join(', ')}\n`);
    return await work(database);
  } finally {
    await database.close();
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

if (import.meta.main) {
  const io: Io = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  runCli(process.argv.slice(2), process.env, io).then(
    (status) => process.exit(status),
    (error: unknown) => {
      process.stderr.write(`feishu-gateway: unexpected failure: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
