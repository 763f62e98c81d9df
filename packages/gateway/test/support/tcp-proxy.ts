import { connect, createServer, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  /** Refuses new connections and cuts the open ones, as a network outage would. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
};

/** A loopback TCP proxy to `127.0.0.1:targetPort`, for simulating a database outage. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const makeServer = () =>
    createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
  const listen = async (server: Server, port: number) => {
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };
  let server = makeServer();
  const port = await listen(server, 0);
  const cut = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    cut,
    async restore() {
      if (server.listening) return;
      server = makeServer();
      await listen(server, port);
    },
    close: cut,
  };
}

/**
 * A proxy in front of the PostgreSQL server `databaseUrl` names, with `url`: the same database
 * reached through the proxy, so that cutting it is a database outage for whoever connects there.
 *
 * @example
 * const proxy = await startDatabaseProxy(database.url);
 * const config = loadConfig({ env: { DATABASE_URL: proxy.url, … }, cwd });
 */
export async function startDatabaseProxy(databaseUrl: string): Promise<TcpProxy & { readonly url: string }> {
  const proxy = await startTcpProxy(Number(new URL(databaseUrl).port || 5432));
  const viaProxy = new URL(databaseUrl);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  return { ...proxy, url: viaProxy.toString() };
}
