import type { Random } from '../state/random.ts';

/** Makes `x-tt-logid` values shaped like Feishu's: a timestamp then hex. */
export function createLogIds(now: () => number, random: Random): () => string {
  return () => {
    // Never throws: a log id is written on every response, including the error responses.
    const date = new Date(now());
    const stamp = Number.isNaN(date.getTime()) ? '00000000000000' : date.toISOString().replace(/\D/g, '').slice(0, 14);
    return `${stamp}${random.hex(18).toUpperCase()}`;
  };
}
