import { controlError } from '../errors/control-error.ts';

/**
 * An injected fault: on matching Open API calls, with probability `rate`, add latency and/or fail
 * with an HTTP status and a Feishu code. Created through `POST /_emulator/faults`.
 */
export type FaultRule = {
  readonly id: string;
  /** Undefined: every app (and calls no app can be attributed to). */
  readonly appId: string | undefined;
  /** A path prefix, or a glob where `*` matches any run of characters. */
  readonly path: string | undefined;
  readonly method: string | undefined;
  readonly rate: number;
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly msg: string | undefined;
  readonly latencyMs: number;
  /** Apply to the next `count` matching calls only. */
  readonly count: number | undefined;
  remaining: number | undefined;
  matched: number;
  fired: number;
  /** Compiled `path`. */
  readonly matchesPath: (path: string) => boolean;
};

export type FaultRuleInput = Omit<FaultRule, 'id' | 'remaining' | 'matched' | 'fired' | 'matchesPath'>;

/**
 * Validates a rule body of `POST /_emulator/faults`.
 *
 * @example
 * parseFaultRule({ path: '/open-apis/contact/*', rate: 0.5, status: 503 })
 */
export function parseFaultRule(body: Record<string, unknown>): FaultRuleInput {
  const optionalString = (key: string): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw controlError(400, `${key} must be a non-empty string`);
    return value;
  };
  const optionalInteger = (key: string, min: number, max: number): number | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw controlError(400, `${key} must be an integer from ${min} to ${max}`);
    return value;
  };
  const rate = body['rate'] ?? 1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw controlError(400, 'rate must be a number from 0 to 1');
  const path = optionalString('path');
  if (path !== undefined && !path.startsWith('/')) throw controlError(400, 'path must start with /');
  const status = optionalInteger('status', 400, 599);
  const code = optionalInteger('code', 1, Number.MAX_SAFE_INTEGER);
  const latencyMs = optionalInteger('latency_ms', 0, 600_000) ?? 0;
  if (status === undefined && code === undefined && latencyMs === 0) throw controlError(400, 'give status, code or latency_ms');
  return {
    appId: optionalString('app_id'),
    path,
    method: optionalString('method')?.toUpperCase(),
    rate,
    status,
    code,
    msg: optionalString('msg'),
    latencyMs,
    count: optionalInteger('count', 1, Number.MAX_SAFE_INTEGER),
  };
}

/** `/a/b` matches paths starting with it; `/a/*` (any `*`) is a glob over the whole path. */
export function pathMatcher(pattern: string | undefined): (path: string) => boolean {
  if (pattern === undefined) return () => true;
  if (!pattern.includes('*')) return (path) => path.startsWith(pattern);
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

