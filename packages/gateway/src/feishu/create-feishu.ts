import { setTimeout as sleep } from 'node:timers/promises';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { Config, FeishuConnectionConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { ReadinessCheck } from '../http/index.ts';
import type { Logger } from '../log/index.ts';
import type { Keyring } from '../secrets/index.ts';
import { createFeishuClient } from './create-feishu-client.ts';
import { createRateGovernor } from './create-rate-governor.ts';
import { createTokenStore } from './create-token-store.ts';
import { createFeishuMetrics } from './create-feishu-metrics.ts';
import type { TokenStore } from './token-store.ts';

export type Feishu = {
  /** The SDK client of a configured connection; `feishu.unknown_connection` for any other name. */
  client(connection: string): lark.Client;
  readonly connections: readonly string[];
  readonly tokens: TokenStore;
  /** One advisory readiness check per connection: can a token be had? Answers from the last probe. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Probes every connection now (at start-up): the names with the error of those failing. */
  probeConnections(): Promise<{ name: string; error: GatewayError | undefined }[]>;
  close(): Promise<void>;
};

// A failing connection is asked again at most this often by /readyz, so a wrong secret does not
// turn every probe into a call to Feishu.
const CHECK_INTERVAL_MS = 30_000;
const FIRST_CHECK_WAIT_MS = 1_000;

/**
 * The outbound Feishu side of one gateway instance: the shared token store and rate governor,
 * and one SDK client per configured connection, with their metrics on `registry`.
 */
export function createFeishu(deps: { config: Config; database: Database; keyring: Keyring; logger: Logger; registry: Registry }): Feishu {
  const connections = new Map<string, FeishuConnectionConfig>();
  if (deps.config.envConnection !== undefined) connections.set(deps.config.envConnection.name, deps.config.envConnection);
  const logger = deps.logger.child({ component: 'feishu' });
  const tokens = createTokenStore({ database: deps.database, keyring: deps.keyring, logger, connection: (name) => connections.get(name) });
  const governor = createRateGovernor({ database: deps.database, redisUrl: deps.config.redis.url, logger, multiplier: deps.config.feishu.rateLimitMultiplier });
  const metrics = createFeishuMetrics(deps.registry);
  registerTokenCacheMetric(deps.registry, tokens);
  const monitors = [...connections.values()].map((connection) => monitorConnection(connection, tokens));
  const clients = new Map([...connections.values()].map((connection) => [connection.name, createFeishuClient(connection, { tokens, governor, metrics, logger, monthlyQuota: deps.config.feishu.monthlyCallQuota })]));

  return {
    client(name) {
      const client = clients.get(name);
      if (client === undefined) throw new GatewayError('feishu.unknown_connection', `no Feishu connection is named "${name}"`, { details: { connection: name } });
      return client;
    },
    connections: [...connections.keys()],
    tokens,
    readinessChecks: monitors.map((monitor) => ({ name: `feishu:${monitor.name}`, advisory: true, check: monitor.check })),
    probeConnections: () => Promise.all(monitors.map(async (monitor) => ({ name: monitor.name, error: await monitor.probe() }))),
    async close() {
      await tokens.close();
      await governor.close();
    },
  };
}

/**
 * Whether the connection can get a token (a self-built app's tenant token, a store app's app
 * token). `/readyz` answers from the last probe and starts a new one in the background when that
 * is older than the interval, so a slow or unreachable Feishu never slows the probe down; only the
 * very first answer waits (briefly) for a result.
 */
function monitorConnection(connection: FeishuConnectionConfig, tokens: TokenStore) {
  let last: { at: number; error: GatewayError | undefined } | undefined;
  let running: Promise<GatewayError | undefined> | undefined;
  const probe = (): Promise<GatewayError | undefined> =>
    (running ??= (async () => {
      try {
        if (connection.appType === 'store') await tokens.appToken(connection.name);
        else await tokens.tenantToken({ connection: connection.name, tenantKey: undefined });
        last = { at: Date.now(), error: undefined };
      } catch (error) {
        last = { at: Date.now(), error: isGatewayError(error) ? error : new GatewayError('feishu.token_unavailable', `connection ${connection.name}: no token`, { cause: error }) };
      } finally {
        running = undefined;
      }
      return last.error;
    })());
  return {
    name: connection.name,
    probe,
    check: async (): Promise<void> => {
      if (last === undefined || Date.now() - last.at >= CHECK_INTERVAL_MS) {
        const probing = probe();
        if (last === undefined) await Promise.race([probing, sleep(FIRST_CHECK_WAIT_MS)]);
      }
      if (last === undefined) throw new GatewayError('feishu.token_unavailable', `connection ${connection.name}: still checking`);
      if (last.error !== undefined) throw last.error;
    },
  };
}

/** `feishu_token_cache_total{result}` read from the token store's counters at scrape time. */
function registerTokenCacheMetric(registry: Registry, tokens: TokenStore): void {
  new Counter({
    name: 'feishu_token_cache_total',
    help: 'Access-token lookups by this instance, by result: hit (in-process cache) or miss.',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const { hits, misses } = tokens.stats();
      this.reset();
      this.inc({ result: 'hit' }, hits);
      this.inc({ result: 'miss' }, misses);
    },
  });
}
