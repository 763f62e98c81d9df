import type { Hono } from 'hono';
import { afterEach } from 'vitest';
import { addApiRoutes, createApiKeys, type ApiKeys } from '../../src/api-keys/index.ts';
import type { Database } from '../../src/db/index.ts';
import { createHttpApp, createMetrics, startHttpServer, type AppEnv } from '../../src/http/index.ts';
import { backends } from './test-databases.ts';
import { createTestLogger } from './test-logger.ts';
import { openMigrated } from './use-migrated-database.ts';

type Routes = (app: Hono<AppEnv>) => void;

export type ApiServerOptions = {
  /** Mounted under the API-key middleware of `addApiRoutes`, as main.ts mounts capabilities. */
  readonly routes: readonly Routes[];
  /** Mounted before it, outside the key check (the OpenAPI document). */
  readonly openRoutes?: readonly Routes[];
  readonly bodyLimitBytes?: number;
};

export type ApiServer = { readonly url: string; readonly app: Hono<AppEnv>; readonly apiKeys: ApiKeys; readonly log: ReturnType<typeof createTestLogger> };

const pglite = backends.find((backend) => backend.name === 'pglite')!;

/**
 * For a `describe` block: fresh migrated PGlite databases and the gateway's HTTP app with API keys
 * on a free port, served over real HTTP; servers are closed, then databases removed, after each
 * test. Keys are made with the `apiKeys` it returns.
 *
 * @example
 * const api = useApiServer();
 * const database = await api.openDatabase();
 * const { url, apiKeys } = await api.serve(database, { routes: [addEventsApiRoutes({ database, replay })] });
 */
export function useApiServer(): { openDatabase(): Promise<Database>; serve(database: Database, options: ApiServerOptions): Promise<ApiServer> } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async openDatabase() {
      const opened = await openMigrated(pglite);
      cleanups.push(async () => await opened.cleanup());
      return opened.database;
    },
    async serve(database, options) {
      const apiKeys = createApiKeys(database);
      const log = createTestLogger();
      const app = createHttpApp({
        logger: log.logger,
        metrics: createMetrics(),
        bodyLimitBytes: options.bodyLimitBytes ?? 1024,
        readinessChecks: [],
        routes: [...(options.openRoutes ?? []), addApiRoutes({ apiKeys, routes: options.routes })],
      });
      const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
      cleanups.push(async () => await server.close(1_000));
      return { url: `http://127.0.0.1:${server.port}`, app, apiKeys, log };
    },
  };
}
