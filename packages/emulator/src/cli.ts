#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { MAX_GENERATED } from './control/control-routes.ts';
import { createEmulator } from './create-emulator.ts';

const usage = `Usage: feishu-emulator start [options]

Runs an offline Feishu Open Platform on one base URL (Open API, OAuth, control API /_emulator/).

Options:
  --port N                 Port to listen on (default 9090; 0 picks a free one)
  --host H                 Interface to bind (default 127.0.0.1)
  --seed N                 Seed of the generated organisation (default 42)
  --users N                People in the default tenant (default 100)
  --departments M          Departments in the default tenant (default 12)
  --time-scale X           Run emulated time X times faster (default 1)
  --rate-limit-multiplier X  Multiply every rate limit (default 1)
  --max-recursive-departments N  children?fetch_child=true answers 43010 above N departments (default 1000)
  -h, --help               Show this help
`;

/** Parses the command line and starts the emulator; resolves with an exit status on failure. */
export async function runEmulatorCli(argv: readonly string[]): Promise<number | 'running'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        users: { type: 'string' },
        departments: { type: 'string' },
        'time-scale': { type: 'string' },
        'rate-limit-multiplier': { type: 'string' },
        'max-recursive-departments': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`feishu-emulator: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'start') {
    process.stderr.write(`feishu-emulator: expected the command "start"\n\n${usage}`);
    return 2;
  }
  const numbers: Record<string, number> = {};
  for (const key of ['port', 'seed', 'users', 'departments', 'time-scale', 'rate-limit-multiplier', 'max-recursive-departments'] as const) {
    const text = values[key];
    if (text === undefined) continue;
    const value = Number(text);
    const whole = key !== 'time-scale' && key !== 'rate-limit-multiplier';
    if (!Number.isFinite(value) || value < 0 || (whole && (!Number.isInteger(value) || value > MAX_GENERATED)) || (key === 'port' && value > 65_535)) {
      process.stderr.write(`feishu-emulator: --${key} must be a ${whole ? `whole number from 0 to ${key === 'port' ? 65_535 : MAX_GENERATED}` : 'non-negative number'}, got "${text}"\n`);
      return 2;
    }
    numbers[key] = value;
  }
  const emulator = await createEmulator({
    port: numbers['port'] ?? 9090,
    host: values.host ?? '127.0.0.1',
    ...(numbers['seed'] === undefined ? {} : { seed: numbers['seed'] }),
    ...(numbers['users'] === undefined ? {} : { users: numbers['users'] }),
    ...(numbers['departments'] === undefined ? {} : { departments: numbers['departments'] }),
    ...(numbers['time-scale'] === undefined ? {} : { timeScale: numbers['time-scale'] }),
    ...(numbers['rate-limit-multiplier'] === undefined ? {} : { rateLimitMultiplier: numbers['rate-limit-multiplier'] }),
    ...(numbers['max-recursive-departments'] === undefined ? {} : { maxRecursiveDepartments: numbers['max-recursive-departments'] }),
  });
  const app = emulator.defaultApp();
  process.stdout.write(`Feishu emulator listening on ${emulator.url}\n`);
  process.stdout.write(`Default app: FEISHU_APP_ID=${app.appId} FEISHU_APP_SECRET=${app.appSecret} FEISHU_ENCRYPT_KEY=${app.encryptKey ?? ''} FEISHU_VERIFICATION_TOKEN=${app.verificationToken} FEISHU_DOMAIN=${emulator.url}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return 'running';
}

if (import.meta.main) {
  runEmulatorCli(process.argv.slice(2)).then(
    (status) => {
      if (status !== 'running') process.exit(status);
    },
    (error: unknown) => {
      process.stderr.write(`feishu-emulator: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
