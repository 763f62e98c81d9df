import type { Emulator } from '../../../emulator/src/index.ts';

/** Calls the emulator's control API and returns its JSON; throws on any non-2xx answer. */
export async function control<T = Record<string, unknown>>(emulator: Emulator, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export type FaultCounts = { id: string; matched: number; fired: number };

/**
 * Adds an emulator fault rule and returns a reader of its counts: `matched` calls considered and
 * `fired` calls hit. A rule with `rate: 0` never fires, so it counts the calls an endpoint gets.
 */
export async function addFault(emulator: Emulator, rule: Record<string, unknown>): Promise<() => Promise<FaultCounts>> {
  const added = await control<FaultCounts>(emulator, 'POST', '/_emulator/faults', rule);
  return async () => (await control<{ items: FaultCounts[] }>(emulator, 'GET', '/_emulator/faults')).items.find((item) => item.id === added.id) as FaultCounts;
}
