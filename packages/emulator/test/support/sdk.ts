import * as lark from '@larksuiteoapi/node-sdk';
import type { Emulator } from '../../src/index.ts';

/**
 * The SDK's Cache interface over a private Map. The SDK's default cache is one process-wide
 * singleton keyed by app id; a private cache per client keeps emulators in one test file apart.
 * Like the SDK's own cache, an entry stops being readable at its expiry: the SDK passes an
 * absolute time in real milliseconds (token lifetime less 3 minutes) or nothing for "never".
 * Real time, not emulated: advancing the emulator's clock does not age the SDK's cached token.
 */
export function memoryCache(): lark.Cache & { entries: Map<string, { value: unknown; expiresAt: number | undefined }> } {
  const entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  const keyOf = (key: string | symbol, namespace?: string) => `${namespace ?? ''}/${key.toString()}`;
  return {
    entries,
    set: async (key, value, expire, options) => {
      entries.set(keyOf(key as symbol, options?.namespace), { value, expiresAt: expire });
      return true;
    },
    get: async (key, options) => {
      const entry = entries.get(keyOf(key as symbol, options?.namespace));
      if (entry === undefined || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())) return undefined;
      return entry.value;
    },
  };
}

/**
 * A logger that drops everything. `LoggerLevel.fatal` is 0, which the SDK reads as "unset" and
 * replaces with `info`, so quiet tests need a logger of their own.
 */
export const silentLogger: lark.Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** An official SDK client pointed at the emulator for `appId`. */
export function sdkClient(emulator: Emulator, app: { appId: string; appSecret: string; type?: 'self_built' | 'store' }, cache = memoryCache()): lark.Client {
  return new lark.Client({
    appId: app.appId,
    appSecret: app.appSecret,
    domain: emulator.url,
    appType: app.type === 'store' ? lark.AppType.ISV : lark.AppType.SelfBuild,
    cache,
    logger: silentLogger,
  });
}

/** Calls the emulator's control API and returns the parsed JSON (throws on a non-2xx answer). */
export async function control<T = Record<string, unknown>>(emulator: Emulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Posts JSON to an Open API path and returns status, headers and body, whatever the status. */
export async function openApi(emulator: Emulator, method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
