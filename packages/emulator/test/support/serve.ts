import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server standing in for an app's endpoint; `url` ends in `/events`. */
export type Receiver = { url: string; close: () => Promise<void> };

/** Serves `listener` on a free loopback port. `close` also drops the emulator's keep-alive sockets. */
export async function serve(listener: http.RequestListener): Promise<Receiver> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
