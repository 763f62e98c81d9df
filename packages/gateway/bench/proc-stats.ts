import { readFileSync } from 'node:fs';

/** User + system CPU seconds of a process from /proc (Linux; clock ticks assumed 100/s; undefined elsewhere or once it ended). */
export function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After the command name: utime is field 14 and stime 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * A process's resident set now (`VmRSS`) and its peak since it started (`VmHWM`, the kernel's
 * high-water mark, so no sampling gap can miss a spike), in bytes, from /proc (Linux).
 */
export function procMemory(pid: number | undefined): { rssBytes: number; peakBytes: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    const rssBytes = kilobytes('VmRSS');
    const peakBytes = kilobytes('VmHWM');
    return Number.isFinite(rssBytes) && Number.isFinite(peakBytes) ? { rssBytes, peakBytes } : undefined;
  } catch {
    return undefined;
  }
}
