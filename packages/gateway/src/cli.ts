#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatConfigProblems, loadConfig, secretValuesOf, type Config, type ConfigProblem } from './config/index.ts';
import { isGatewayError } from './errors/index.ts';
import { createLogger } from './log/index.ts';
import { migrateDatabase, startGateway } from './main.ts';

const usage = `Usage: feishu-gateway <command> [options]

Commands:
  start     Migrate the database, then run the gateway until SIGTERM or SIGINT
  migrate   Apply pending database migrations and exit

Options:
  --config FILE   Read settings from a JSON or YAML file (environment variables win)
  -h, --help      Show this help and exit
  -v, --version   Print the version and exit

Settings: docs/configuration.md. Exit status: 0 done, 1 failed, 2 bad usage or configuration.
`;

// SIGTERM must end the process within 10 s (orchestrators kill after that); stop takes at most
// about 8.5 s, and this is the hard limit behind it.
const forcedExitAfterMs = 9_500;

type Io = { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };

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
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
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
  const [command, ...extra] = positionals;
  if (command === undefined || !['start', 'migrate'].includes(command) || extra.length > 0) {
    const problem = command === undefined ? 'a command is required' : extra.length > 0 ? `unexpected argument "${extra[0] ?? ''}"` : `unknown command "${command}"`;
    io.stderr(`feishu-gateway: ${problem}\n\n${usage}`);
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
    if (command === 'migrate') {
      const applied = await migrateDatabase(config, logger);
      io.stdout(applied.length === 0 ? 'Database is up to date.\n' : `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`);
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
    const gateway = await startGateway(config, logger);
    logger.info({ signal: await signal }, 'signal received');
    try {
      await gateway.stop();
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
