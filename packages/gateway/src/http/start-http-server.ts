import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { GatewayError } from '../errors/index.ts';
import type { AppEnv } from './app-env.ts';

export type HttpServer = {
  /** The bound port (useful when the configured port was 0). */
  readonly port: number;
  /** Stops accepting connections, lets requests in progress finish within `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
};

export type StartHttpServerOptions = {
  readonly port: number;
  readonly host: string;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
};

/** Serves `app` on Node's HTTP server with slow-client timeouts. */
export async function startHttpServer(app: Hono<AppEnv>, options: StartHttpServerOptions): Promise<HttpServer> {
  // Node checks header and request timeouts only every `connectionsCheckingInterval` (30 s by
  // default), which would let a slow client hold a socket far past the configured limit.
  const listener = getRequestListener(app.fetch);
  const server: Server = createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => void listener(request, response));
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new GatewayError('http.listen_failed', `cannot listen on ${options.host}:${options.port} (${error.code ?? error.message})`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
