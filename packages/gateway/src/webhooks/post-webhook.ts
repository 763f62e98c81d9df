import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { GatewayError } from '../errors/index.ts';
import type { Destination } from './resolve-destination.ts';

export type PostWebhookInput = {
  readonly url: URL;
  /** Where to connect, as `resolveDestination` checked it. */
  readonly destination: Destination;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The whole exchange, up to the response's status line and headers. */
  readonly timeoutMs: number;
};

// Enough of an answer body to drain; a receiver that keeps talking is cut off.
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed delivery and resolves with the receiver's HTTP status, whatever it is (the
 * caller decides what counts as success). Connects to the checked address only: the host name
 * is kept for the `Host` header and for TLS (SNI and certificate checks), but never looked up
 * again. Redirects are not followed. Rejects with `webhooks.delivery_timeout` when no answer
 * came within `timeoutMs`, and `webhooks.delivery_failed` when the connection failed.
 *
 * Node's own `http` is used rather than `fetch`, whose connections cannot be pinned to an
 * address without a custom dispatcher; no proxy settings apply, so the guard's decision is the
 * connection actually made.
 */
export async function postWebhook(input: PostWebhookInput): Promise<{ status: number }> {
  const { url, destination } = input;
  const transport = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(input.timeoutMs);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for every address when it may race IPv4 and IPv6 (autoSelectFamily).
    if (options.all === true) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: destination.address, family: destination.family }]);
    else callback(null, destination.address, destination.family);
  };
  return await new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) },
      // A fresh agent per delivery: no pooled socket to another address, and no proxy from the environment.
      agent: false,
      lookup: pinned,
      signal,
    });
    request.on('response', (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) response.destroy();
      });
      // Draining continues after the status is known; its errors (a cut-off body) change nothing.
      response.on('error', () => {});
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) reject(new GatewayError('webhooks.delivery_timeout', `No answer within ${input.timeoutMs} ms.`, { cause: error }));
      else reject(new GatewayError('webhooks.delivery_failed', `Connection failed (${error.code ?? error.message}).`, { cause: error }));
    });
    request.end(input.body);
  });
}
