import http from 'node:http';
import https from 'node:https';

export type PostResult = {
  /** HTTP status, when an answer arrived in time. */
  status: number | undefined;
  /** The answer body (first 64 KiB), when one arrived in time. */
  body: string;
  /** Why no answer arrived in time: refused, connect timeout, timeout, … */
  error: string | undefined;
  /** Real milliseconds from sending to the end of the answer (or the failure). */
  durationMs: number;
};

export type PostOptions = {
  /** The whole exchange must end within this many real milliseconds. */
  timeoutMs: number;
  /** The TCP (and TLS) connection must be up within this many real milliseconds. */
  connectTimeoutMs: number;
  agents: { http: http.Agent; https: https.Agent };
};

const maxBody = 64 * 1024;

/**
 * POSTs `body` to `url` and reports what came back. Never rejects: every failure (refused,
 * reset, timeouts, a bad URL) is a result, because event pushes run detached from any request.
 * node:http rather than fetch because Feishu bounds the connect phase separately (2 s, §3.5).
 */
export function postJson(url: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`unsupported protocol ${target.protocol}`);
    } catch (error) {
      finish({ status: undefined, body: '', error: `invalid url: ${(error as Error).message}` });
      return;
    }
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: secure ? options.agents.https : options.agents.http,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => request.destroy(new Error(`connect timeout after ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    request.on('response', (response) => {
      let received = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (received.length < maxBody) received += chunk;
      });
      response.on('end', () => finish({ status: response.statusCode, body: received.slice(0, maxBody), error: undefined }));
      response.on('error', (error) => finish({ status: undefined, body: '', error: describe(error, options.timeoutMs) }));
    });
    request.on('error', (error) => finish({ status: undefined, body: '', error: describe(error, options.timeoutMs) }));
    request.end(body);
  });
}

function describe(error: Error, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `timeout: no complete answer within ${timeoutMs} ms`;
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code}: ${error.message}`;
}
