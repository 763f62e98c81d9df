import type { DirectoryEmulator } from './directory-emulator-child.ts';

export type Calls = Record<string, { calls: number; refused: number }>;

/** The emulator's count of the app's calls per API (rate-limited Open APIs; token calls are not among them), or undefined if it has no such route. */
export async function emulatorCalls(emulator: DirectoryEmulator): Promise<Calls | undefined> {
  const response = await fetch(`${emulator.url}/_emulator/api-calls?app_id=${encodeURIComponent(emulator.appId)}`);
  if (response.status === 404) return undefined;
  const { items } = (await response.json()) as { items: { api: string; calls: number; refused: number }[] };
  return Object.fromEntries(items.map((item) => [item.api, { calls: item.calls, refused: item.refused }]));
}

export type Windows = { perSecond: number; perMinute: number };

/** Each API's windows in force (scaled by the multiplier), from the emulator itself. */
export async function emulatorWindows(emulator: DirectoryEmulator): Promise<Map<string, Windows>> {
  const response = await fetch(`${emulator.url}/_emulator/rate-limits/policies`);
  const { items } = (await response.json()) as { items: { api: string; windows: { window_seconds: number; limit: number }[] }[] };
  const limit = (windows: { window_seconds: number; limit: number }[], seconds: number) => {
    const found = windows.find((window) => window.window_seconds === seconds)?.limit;
    return found === undefined || found < 0 ? Number.POSITIVE_INFINITY : found;
  };
  return new Map(items.map((item) => [item.api, { perSecond: limit(item.windows, 1), perMinute: limit(item.windows, 60) }]));
}
