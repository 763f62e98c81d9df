import { afterEach } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/src/index.ts';
import type { Gateway } from '../../src/main.ts';
import { startGatewayAgainst, type GatewayAgainstEmulator, type StartAgainstOptions } from './start-gateway-against.ts';

export type EmulatedGateway = GatewayAgainstEmulator & { readonly emulator: Emulator };

/**
 * For a `describe` block whose tests each start their own emulator (seeded, with a small
 * directory: 10 users, 2 departments) and a gateway against it: returns the function that starts
 * both, and registers an `afterEach` that stops the gateways and closes the emulators started in
 * the test, the emulator too when its gateway failed to start.
 *
 * @example
 * const start = gatewaysAgainstEmulators();
 * it('…', async () => {
 *   const { emulator, gateway, app } = await start(101, { logLevel: 'info' });
 * });
 */
export function gatewaysAgainstEmulators(): (seed: number, options?: StartAgainstOptions) => Promise<EmulatedGateway> {
  const running: { emulator: Emulator; gateway?: Gateway }[] = [];
  afterEach(async () => {
    for (const { emulator, gateway } of running.splice(0)) {
      await gateway?.stop();
      await emulator.close();
    }
  });
  return async (seed, options = {}) => {
    const emulator = await createEmulator({ seed, users: 10, departments: 2 });
    const entry: { emulator: Emulator; gateway?: Gateway } = { emulator };
    running.push(entry);
    const started = await startGatewayAgainst(emulator, options);
    entry.gateway = started.gateway;
    return { ...started, emulator };
  };
}
