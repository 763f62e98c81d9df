/**
 * The emulator of `bench:directory`, run in a child process by `startDirectoryEmulator`: builds the
 * tenant named on the command line, listens on a free loopback port, and sends its parent the
 * default app's credentials together with the shape of the directory that app sees (and the
 * fewest calls that read it), taken from the tenant as built.
 */
import { parseArgs } from 'node:util';
import { createEmulator } from '../../emulator/src/index.ts';
import { directoryShape } from './directory-shape.ts';
import type { DirectoryEmulatorReady } from './directory-emulator-child.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    users: { type: 'string' },
    departments: { type: 'string' },
    multiplier: { type: 'string' },
    'max-recursive-departments': { type: 'string' },
  },
  strict: true,
});
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const maxRecursive = number(values['max-recursive-departments']);

const started = performance.now();
const emulator = await createEmulator({
  host: '127.0.0.1',
  port: 0,
  seed: number(values.seed) ?? 42,
  users: number(values.users) ?? 100,
  departments: number(values.departments) ?? 12,
  rateLimitMultiplier: number(values.multiplier) ?? 1,
  ...(maxRecursive === undefined ? {} : { maxRecursiveDepartments: maxRecursive }),
});
const buildSeconds = (performance.now() - started) / 1000;
const app = emulator.defaultApp();
const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
if (tenant === undefined) throw new Error('the emulator has no default tenant');
const ready: DirectoryEmulatorReady = {
  url: emulator.url,
  appId: app.appId,
  appSecret: app.appSecret,
  encryptKey: app.encryptKey ?? '',
  verificationToken: app.verificationToken,
  buildSeconds,
  shape: directoryShape(app, tenant, emulator.state.options.maxRecursiveDepartments),
};
process.send?.(ready);

const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent going away ends the emulator.
process.on('disconnect', stop);
