import { readdirSync, readFileSync } from 'node:fs';

/**
 * User + system CPU seconds used so far by every process named `postgres` on this machine
 * (Linux /proc, clock ticks assumed 100/s; undefined elsewhere). Processes that ended between
 * two readings drop out, so a difference is a lower bound; the bench's database runs on this
 * machine and nothing else uses it.
 */
export function postgresCpuSeconds(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]?.split(' ') ?? [];
      // After the command name: utime is field 14 and stime 15 (proc(5)).
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we read the list.
    }
  }
  return ticks / 100;
}
