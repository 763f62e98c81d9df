import { Agent, request } from 'node:http';

/**
 * A closed-loop HTTP load generator: `concurrency` loops over keep-alive connections, each sending
 * the next request as soon as the previous answer is read, for `durationMs`. Uses `node:http`
 * rather than `fetch` because it costs the client several times less CPU per request, and the
 * client shares the machine with the emulator.
 */
export type LoadResult = { requests: number; ok: number; failed: number; seconds: number; perSecond: number; firstFailure: string | undefined };

export async function runLoad(options: { url: string; paths: readonly string[]; token: string; concurrency: number; durationMs: number }): Promise<LoadResult> {
  const { paths, concurrency, durationMs } = options;
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { authorization: `Bearer ${options.token}` };
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;

  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const call = request({ host: target.hostname, port: target.port, path, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode === 200) ok += 1;
          else {
            failed += 1;
            firstFailure ??= `${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`;
          }
          resolve();
        });
      });
      call.on('error', reject);
      call.end();
    });

  const loop = async () => {
    while (performance.now() < deadline) {
      await get(paths[next % paths.length] ?? '/');
      next += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { requests: ok + failed, ok, failed, seconds, perSecond: Math.round(ok / seconds), firstFailure };
}
