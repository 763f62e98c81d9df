import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../../emulator/src/index.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment of a gateway on a free port of 127.0.0.1, with a fresh data directory and its
 * default connection set to the emulator's default app, all four secrets included; `extra` is
 * laid over it. For a gateway in this process or a child one.
 *
 * @example
 * spawnGateway(['start'], gatewayEnvFor(emulator, { DATABASE_URL: url, GATEWAY_SECRET_KEY: key }));
 */
export function gatewayEnvFor(emulator: Emulator, extra?: Readonly<Record<string, string>>): Record<string, string>;
export function gatewayEnvFor(emulator: Emulator, extra: Env): Record<string, string | undefined>;
export function gatewayEnvFor(emulator: Emulator, extra: Env = {}): Record<string, string | undefined> {
  const app = emulator.defaultApp();
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-emulated-')),
    FEISHU_APP_ID: app.appId,
    FEISHU_APP_SECRET: app.appSecret,
    // Empty is unset: an app made without an Encrypt Key.
    FEISHU_ENCRYPT_KEY: app.encryptKey ?? '',
    FEISHU_VERIFICATION_TOKEN: app.verificationToken,
    FEISHU_DOMAIN: emulator.url,
    ...extra,
  };
}
