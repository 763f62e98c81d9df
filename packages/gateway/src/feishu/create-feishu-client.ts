import * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuConnectionConfig } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { createFeishuTransport, type RetryPolicy } from './create-feishu-transport.ts';
import { createSdkTokenCache } from './create-sdk-token-cache.ts';
import type { FeishuMetrics } from './create-feishu-metrics.ts';
import type { RateGovernor } from './rate-governor.ts';
import { resolveBaseUrl } from './resolve-base-url.ts';
import type { TokenStore } from './token-store.ts';

export type FeishuClientDeps = {
  readonly tokens: TokenStore;
  readonly governor: RateGovernor;
  readonly metrics: FeishuMetrics;
  readonly logger: Logger;
  readonly policy?: Partial<RetryPolicy>;
  readonly monthlyQuota?: number;
};

/**
 * The official SDK's typed `Client` for one connection (self-built or store app; Feishu, Lark or
 * a custom base URL such as the emulator's), wired to the gateway's transport and token store.
 * Store apps name the tenant per call with `lark.withTenantKey(tenantKey)`.
 *
 * @example
 * const client = createFeishuClient(config.envConnection, deps);
 * await client.im.v1.message.create({ params: { receive_id_type: 'email' }, data: { receive_id: 'a@b.c', msg_type: 'text', content: '{"text":"hi"}', uuid } });
 */
export function createFeishuClient(connection: FeishuConnectionConfig, deps: FeishuClientDeps): lark.Client {
  const cache = createSdkTokenCache(connection, deps.tokens);
  const httpInstance = createFeishuTransport({
    connection,
    tokens: deps.tokens,
    governor: deps.governor,
    scopeOfToken: cache.scopeOf,
    metrics: deps.metrics,
    logger: deps.logger,
    ...(deps.policy === undefined ? {} : { policy: deps.policy }),
    ...(deps.monthlyQuota === undefined ? {} : { monthlyQuota: deps.monthlyQuota }),
  });
  const sdkLog = deps.logger.child({ connection: connection.name, component: 'feishu-sdk' });
  return new lark.Client({
    appId: connection.appId,
    appSecret: connection.appSecret,
    appType: connection.appType === 'store' ? lark.AppType.ISV : lark.AppType.SelfBuild,
    domain: resolveBaseUrl(connection.domain),
    httpInstance,
    cache,
    // The SDK logs every failure it rethrows; the transport already logged it with its code and
    // log id, so the SDK's own lines go to debug.
    loggerLevel: lark.LoggerLevel.error,
    logger: { error: (...args) => sdkLog.debug({ sdk: describe(args) }, 'sdk'), warn: (...args) => sdkLog.debug({ sdk: describe(args) }, 'sdk'), info: () => {}, debug: () => {}, trace: () => {} },
  });
}

function describe(args: unknown[]): string {
  return args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : '[object]')).join(' ');
}
