import type { Calls } from './emulator-calls.ts';

/** One reading of the run in progress, `at` seconds after the gateway started. */
export type Sample = { at: number; calls: Calls | undefined; rssBytes: number | undefined };

/** When each API was busy, from the samples: the first and last sample that saw its count grow. */
export function activeSpans(samples: readonly Sample[]): Map<string, { from: number; to: number }> {
  const spans = new Map<string, { from: number; to: number }>();
  for (let index = 1; index < samples.length; index += 1) {
    const before = samples[index - 1];
    const now = samples[index];
    if (before === undefined || now?.calls === undefined) continue;
    for (const [api, { calls }] of Object.entries(now.calls)) {
      if (calls <= (before.calls?.[api]?.calls ?? 0)) continue;
      const span = spans.get(api);
      if (span === undefined) spans.set(api, { from: before.at, to: now.at });
      else span.to = now.at;
    }
  }
  return spans;
}

/** Stretches of at least `minSeconds` in which the emulator counted no call at all: the sync waiting on something other than Feishu. */
export function idleGaps(samples: readonly Sample[], minSeconds: number): { from: number; to: number }[] {
  const total = (sample: Sample) => Object.values(sample.calls ?? {}).reduce((sum, item) => sum + item.calls, 0);
  const gaps: { from: number; to: number }[] = [];
  let from: Sample | undefined;
  let previous: Sample | undefined;
  for (const sample of samples) {
    if (sample.calls === undefined) continue;
    if (from === undefined || total(sample) !== total(from)) {
      // The count moved: the stretch from `from` to the sample before this one had no call.
      if (from !== undefined && previous !== undefined && previous.at - from.at >= minSeconds) gaps.push({ from: from.at, to: previous.at });
      from = sample;
    }
    previous = sample;
  }
  const last = samples.at(-1);
  if (from !== undefined && last !== undefined && last.at - from.at >= minSeconds) gaps.push({ from: from.at, to: last.at });
  return gaps;
}
