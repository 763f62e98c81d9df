import type { Random } from '../state/random.ts';

/** Makes `x-tt-logid` values shaped like Feishu's: a timestamp then hex. */
export function createLogIds(now: () => number, random: Random): () => string {
  return () => {
    const stamp = new Date(now()).toISOString().replace(/\D/g, '').slice(0, 14);
    return `${stamp}${random.hex(18).toUpperCase()}`;
  };
}
