import { afterEach } from 'vitest';
import { createEmulator, type CreateEmulatorOptions, type Emulator } from '../../src/index.ts';

export type EmulatorPerTest = {
  /** Starts an emulator that is closed after the current test. */
  start(options?: CreateEmulatorOptions): Promise<Emulator>;
  /** Closes `closable` (a receiver, a server) after the test, before the emulator. */
  track<T extends { close(): Promise<void> }>(closable: T): T;
  /** Runs `cleanup` after the test, before the emulator closes. */
  onCleanup(cleanup: () => Promise<void>): void;
};

/**
 * The set-up nearly every emulator test shares: emulators and receivers made during a test are
 * closed after it, receivers first so no push is in flight to a closed emulator's receiver.
 */
export function emulatorPerTest(): EmulatorPerTest {
  const emulators: Emulator[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  });
  return {
    async start(options = {}) {
      const emulator = await createEmulator(options);
      emulators.push(emulator);
      return emulator;
    },
    track(closable) {
      cleanups.push(() => closable.close());
      return closable;
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
