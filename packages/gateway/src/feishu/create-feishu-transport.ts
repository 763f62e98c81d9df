import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { backoffDelay } from './backoff-delay.ts';
import { describeApi, TIERS, type ApiDescription } from './describe-api.ts';
import { FeishuApiError } from './feishu-api-error.ts';
import { monthOf } from './month-of.ts';
import type { FeishuMetrics } from './create-feishu-metrics.ts';
import type { RateBudget, RateGovernor } from './rate-governor.ts';
import { readFeishuAnswer, type FeishuAnswer } from './read-feishu-answer.ts';
import type { TokenScope, TokenStore } from './token-store.ts';

/** The subset of axios's request options the SDK passes to its `httpInstance`. */
export type SdkRequest = {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
  paramsSerializer?: unknown;
  timeout?: number;
  $return_headers?: boolean;
};

/** The SDK's `HttpInstance`: `request` and the verb shortcuts, resolving to the body (or `{data, headers}`). */
export type FeishuTransport = {
  request<R = unknown>(options: SdkRequest): Promise<R>;
  get<R = unknown>(url: string, options?: SdkRequest): Promise<R>;
  delete<R = unknown>(url: string, options?: SdkRequest): Promise<R>;
  head<R = unknown>(url: string, options?: SdkRequest): Promise<R>;
  options<R = unknown>(url: string, options?: SdkRequest): Promise<R>;
  post<R = unknown>(url: string, data?: unknown, options?: SdkRequest): Promise<R>;
  put<R = unknown>(url: string, data?: unknown, options?: SdkRequest): Promise<R>;
  patch<R = unknown>(url: string, data?: unknown, options?: SdkRequest): Promise<R>;
};

export type RetryPolicy = {
  /** Whole call, every attempt and wait included. */
  readonly deadlineMs: number;
  /** One HTTP exchange. */
  readonly attemptTimeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
};

/** The least time an attempt is given; with less left before the deadline, it is not sent. */
const MIN_ATTEMPT_MS = 250;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { deadlineMs: 30_000, attemptTimeoutMs: 10_000, maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

export type FeishuTransportDeps = {
  readonly connection: FeishuConnectionConfig;
  readonly tokens: TokenStore;
  readonly governor: RateGovernor;
  /** The scope a tenant token was issued for (recorded when the SDK asked for it). */
  readonly scopeOfToken: (token: string) => TokenScope | undefined;
  readonly metrics: FeishuMetrics;
  readonly logger: Logger;
  readonly policy?: Partial<RetryPolicy>;
  /** Warn once the app's calls this month pass 80 % and 95 % of this many; 0 = no quota. */
  readonly monthlyQuota?: number;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
};

/**
 * The gateway's transport under the official SDK's typed `Client` (its `httpInstance`): every
 * call spends from the shared rate budgets first, turns any `code != 0` into a `FeishuApiError`,
 * replaces a refused tenant token once, waits out a 429 for every instance, and retries
 * transient failures with backoff — writes only when they carry an idempotency key.
 */
export function createFeishuTransport(deps: FeishuTransportDeps): FeishuTransport {
  const policy = { ...DEFAULT_RETRY_POLICY, ...deps.policy };
  const doFetch = deps.fetch ?? fetch;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ connection: deps.connection.name });
  // `${month}|${share}` once warned, so every month warns afresh.
  const quotaWarned = new Set<string>();

  const exchange = async (request: PreparedRequest, deadline: number): Promise<FeishuAnswer> => {
    const started = performance.now();
    const timeout = Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now()));
    try {
      const response = await doFetch(request.url, { method: request.method, headers: request.headers, signal: AbortSignal.timeout(timeout), ...(request.body === undefined ? {} : { body: request.body }) });
      return await readFeishuAnswer(response, request.stream);
    } catch (error) {
      return { kind: 'network', error: error instanceof Error ? error.message : String(error) };
    } finally {
      deps.metrics.duration.observe({ api: request.api.name }, (performance.now() - started) / 1000);
    }
  };

  const countMonthly = async () => {
    if (deps.monthlyQuota === undefined || deps.monthlyQuota <= 0) return;
    const used = await deps.governor.countMonthly(deps.connection.appId);
    for (const share of [0.8, 0.95]) {
      const mark = `${monthOf(Date.now())}|${share}`;
      if (used >= deps.monthlyQuota * share && !quotaWarned.has(mark)) {
        quotaWarned.add(mark);
        log.warn({ used, quota: deps.monthlyQuota }, `Feishu API calls this month have passed ${share * 100} % of the plan quota`);
      }
    }
  };

  const request = async <R>(options: SdkRequest): Promise<R> => {
    const prepared = prepare(options);
    if (prepared.token === undefined && !prepared.api.tokenEndpoint && !prepared.api.name.startsWith('authen.v2.oauth')) {
      // The SDK sends a store app's call with no token when no tenant was named; Feishu would only
      // answer 99991661, so the call stops here with the reason.
      throw new GatewayError('feishu.token_unavailable', `no access token for ${prepared.api.name} on connection ${deps.connection.name}${deps.connection.appType === 'store' ? ': a store app call needs lark.withTenantKey(tenantKey)' : ''}`, {
        details: { connection: deps.connection.name, api: prepared.api.name },
      });
    }
    const deadline = Date.now() + policy.deadlineMs;
    let tokenReplaced = false;
    for (let attempt = 0; ; attempt += 1) {
      const scope = prepared.token === undefined ? undefined : deps.scopeOfToken(prepared.token);
      if (!prepared.api.tokenEndpoint) await deps.governor.acquire(budgetsOf(deps.connection.appId, scope, prepared), deadline);
      // A send with almost no time left could be carried out by Feishu yet reported as failed;
      // better not to send it at all, and say when to try again.
      if (Date.now() + MIN_ATTEMPT_MS > deadline) {
        throw new GatewayError('feishu.rate_limited', `no time left to send ${prepared.api.name} before its deadline`, { details: { api: prepared.api.name, retryable: true, retryAfterSeconds: 1 } });
      }
      const answer = await exchange(prepared, deadline);
      const code = answer.kind === 'network' ? 'network' : answer.kind === 'ok' ? '0' : String(answer.code);
      deps.metrics.requests.inc({ api: prepared.api.name, code });
      if (!prepared.api.tokenEndpoint) void countMonthly().catch((error: unknown) => log.warn({ err: error }, 'monthly call counter failed'));
      if (answer.kind === 'ok') {
        log.debug({ method: prepared.method, api: prepared.api.name, code: 0, logId: answer.logId }, 'feishu call');
        return (options.$return_headers === true ? { data: answer.body, headers: answer.headers } : answer.body) as R;
      }
      // Token endpoints answer failures in their body; the token store reads those itself.
      if (prepared.api.tokenEndpoint && answer.kind === 'failure') return answer.body as R;

      const failure =
        answer.kind === 'network'
          ? undefined
          : new FeishuApiError({
              code: answer.code,
              msg: answer.msg,
              logId: answer.logId,
              httpStatus: answer.status,
              api: prepared.api.name,
              retryAfterSeconds: answer.resetSeconds,
              missingScopes: answer.missingScopes,
            });
      log.info({ method: prepared.method, api: prepared.api.name, code, httpStatus: failure?.feishu.httpStatus, logId: failure?.feishu.logId, attempt: attempt + 1 }, 'feishu call failed');

      if (failure?.kind === 'token' && !tokenReplaced && scope !== undefined && prepared.token !== undefined) {
        // Feishu no longer accepts a token we still hold: replace it and send once more.
        tokenReplaced = true;
        deps.metrics.retries.inc({ api: prepared.api.name, reason: 'token' });
        await deps.tokens.invalidate(scope, prepared.token);
        prepared.setToken(await deps.tokens.tenantToken(scope, { deadline }));
        continue;
      }
      if (failure?.kind === 'rate_limit') {
        const resetSeconds = failure.feishu.retryAfterSeconds ?? 1;
        if (failure.feishu.httpStatus === 429) {
          await deps.governor.hold(apiBudgetKey(deps.connection.appId, scope, prepared.api), resetSeconds);
          deps.metrics.throttled.inc({ api: prepared.api.name });
        }
        // A throttled call was not carried out, so even a write may be sent again.
        if (attempt + 1 < policy.maxAttempts && Date.now() + resetSeconds * 1000 < deadline) {
          deps.metrics.retries.inc({ api: prepared.api.name, reason: 'rate_limit' });
          if (failure.feishu.httpStatus !== 429) await sleep(resetSeconds * 1000);
          continue;
        }
        throw failure;
      }
      const transient = failure === undefined || failure.kind === 'transient';
      if (transient && prepared.retrySafe && attempt + 1 < policy.maxAttempts) {
        const delay = backoffDelay(attempt, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }, random);
        if (Date.now() + delay < deadline) {
          deps.metrics.retries.inc({ api: prepared.api.name, reason: 'transient' });
          await sleep(delay);
          continue;
        }
      }
      if (failure !== undefined) throw failure;
      throw new GatewayError('feishu.unreachable', `Feishu ${prepared.api.name} did not answer: ${answer.kind === 'network' ? answer.error : ''}`, {
        details: { api: prepared.api.name, connection: deps.connection.name, attempts: attempt + 1, retryable: true },
      });
    }
  };

  return {
    request,
    get: (url, options = {}) => request({ ...options, url, method: 'GET' }),
    delete: (url, options = {}) => request({ ...options, url, method: 'DELETE' }),
    head: (url, options = {}) => request({ ...options, url, method: 'HEAD' }),
    options: (url, options = {}) => request({ ...options, url, method: 'OPTIONS' }),
    post: (url, data, options = {}) => request({ ...options, url, method: 'POST', data }),
    put: (url, data, options = {}) => request({ ...options, url, method: 'PUT', data }),
    patch: (url, data, options = {}) => request({ ...options, url, method: 'PATCH', data }),
  };
}

type PreparedRequest = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  api: ApiDescription;
  /** The bearer token sent, if any. */
  token: string | undefined;
  setToken(token: string): void;
  /** GETs, and writes carrying an idempotency key (message `uuid`, Bitable `client_token`). */
  retrySafe: boolean;
  stream: boolean;
  /** `receive_id_type:receive_id` of a message send, for the per-receiver budget. */
  receiver: string | undefined;
};

function prepare(options: SdkRequest): PreparedRequest {
  if (options.url === undefined) throw new TypeError('the SDK sent a request without a URL');
  const method = (options.method ?? 'GET').toUpperCase();
  const url = new URL(options.url);
  const query = serializeParams(options.params, options.paramsSerializer);
  if (query !== '') url.search = query;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
  const data = options.data;
  const isPlainObject = typeof data === 'object' && data !== null && Object.getPrototypeOf(data) === Object.prototype;
  if (data !== undefined && !isPlainObject) throw new TypeError('the gateway transport sends JSON bodies only (file uploads are not supported yet)');
  // The SDK sends `{}` as the body of generated GETs; Feishu tolerates it, but a GET has no body here.
  const body = method === 'GET' || method === 'HEAD' || data === undefined ? undefined : JSON.stringify(data);
  if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  const record = isPlainObject ? (data as Record<string, unknown>) : {};
  const params = options.params ?? {};
  const idempotencyKey = record['uuid'] ?? record['client_token'] ?? params['client_token'];
  const receiveIdType = params['receive_id_type'];
  const receiveId = record['receive_id'];
  const api = describeApi(method, url.pathname);
  const prepared: PreparedRequest = {
    url: url.toString(),
    method,
    headers,
    body,
    api,
    token: bearerOf(headers),
    setToken(token) {
      this.token = token;
      setAuthorization(headers, token);
    },
    retrySafe: method === 'GET' || method === 'HEAD' || api.read || (typeof idempotencyKey === 'string' && idempotencyKey !== ''),
    stream: options.responseType === 'stream',
    receiver: typeof receiveIdType === 'string' && typeof receiveId === 'string' ? `${receiveIdType}:${receiveId}` : undefined,
  };
  return prepared;
}

function serializeParams(params: Record<string, unknown> | undefined, serializer: unknown): string {
  if (params === undefined || Object.keys(params).length === 0) return '';
  if (typeof serializer === 'function') return String((serializer as (value: Record<string, unknown>) => unknown)(params));
  // Arrays as repeated keys, as Feishu expects (`user_ids=a&user_ids=b`).
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  return search.toString();
}

function bearerOf(headers: Record<string, string>): string | undefined {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'authorization');
  const value = name === undefined ? undefined : headers[name];
  return value?.startsWith('Bearer ') === true ? value.slice('Bearer '.length) : undefined;
}

function setAuthorization(headers: Record<string, string>, token: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
  headers['Authorization'] = `Bearer ${token}`;
}

/** Per API × app × tenant (§10); user-token calls count against the app alone. */
function apiBudgetKey(appId: string, scope: TokenScope | undefined, api: ApiDescription): string {
  return `${appId}|${scope?.tenantKey ?? (scope === undefined ? 'user' : 'self')}|${api.name}`;
}

function budgetsOf(appId: string, scope: TokenScope | undefined, request: PreparedRequest): RateBudget[] {
  const budgets: RateBudget[] = [{ key: apiBudgetKey(appId, scope, request.api), windows: request.api.windows }];
  if (request.api.target === 'receiver' && request.receiver !== undefined) {
    // 5/s per receiving user (per app) and per group chat (shared by every bot of the tenant).
    // The receiver (an email, a mobile, an id) is stored by the counters, so only its digest is.
    const chat = request.receiver.startsWith('chat_id:');
    const receiver = createHash('sha256').update(request.receiver).digest('base64url');
    budgets.push({ key: chat ? `chat|${scope?.tenantKey ?? 'self'}|${receiver}` : `${appId}|${scope?.tenantKey ?? 'self'}|receiver|${receiver}`, windows: TIERS.perTarget });
  }
  return budgets;
}
