import type { App, Emulator } from '../../../emulator/src/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { startGateway, type Gateway, type StartOptions } from '../../src/main.ts';
import { gatewayEnvFor } from './gateway-env-for.ts';
import { createTestLogger } from './test-logger.ts';

export type StartAgainstOptions = {
  /** Laid over the environment below; a key given as `undefined` is left unset. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Handlers registered before the job runner starts, as custom logic registers them. */
  readonly register?: StartOptions['register'];
  /** The level of the in-memory log returned as `log`; `warn` unless given. */
  readonly logLevel?: string;
};

export type GatewayAgainstEmulator = {
  readonly gateway: Gateway;
  /** The emulator's default app, which the gateway's `default` connection is. */
  readonly app: App;
  readonly config: Config;
  readonly log: ReturnType<typeof createTestLogger>;
};

/**
 * Starts a gateway in this process on a free port, with a fresh data directory (PGlite unless
 * `env` names a DATABASE_URL) and its default connection set to the emulator's default app, all
 * four secrets included. Stopping the gateway and closing the emulator are the caller's.
 *
 * @example
 * const { gateway, app } = await startGatewayAgainst(emulator, { env: { FEISHU_EVENT_MODE: 'websocket' } });
 */
export async function startGatewayAgainst(emulator: Emulator, options: StartAgainstOptions = {}): Promise<GatewayAgainstEmulator> {
  const app = emulator.defaultApp();
  const config = loadConfig({ env: gatewayEnvFor(emulator, options.env ?? {}), cwd: process.cwd() });
  const log = createTestLogger({ level: options.logLevel ?? 'warn' });
  const gateway = await startGateway(config, log.logger, options.register === undefined ? {} : { register: options.register });
  return { gateway, app, config, log };
}
