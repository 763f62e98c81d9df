/**
 * What a Feishu error code means for the caller:
 * - `rate_limit`: throttled; wait (`x-ogw-ratelimit-reset` when given) and try again;
 * - `token`: the access token was refused; drop it, fetch a new one, retry once;
 * - `ticket`: a store app's `app_ticket` is missing or stale; ask Feishu to resend it;
 * - `permission`: a scope is missing; retrying cannot help;
 * - `transient`: Feishu's own failure; retry with backoff;
 * - `other`: the request itself is wrong; retrying cannot help.
 */
export type FeishuCodeKind = 'rate_limit' | 'token' | 'ticket' | 'permission' | 'transient' | 'other';

// Platform doc §1.3, §10, §11. 230020 is IM's per-target throttle, 11232/11233 the message
// service's; 1254607 is Bitable's "data not ready, retry".
const KINDS: ReadonlyMap<number, FeishuCodeKind> = new Map<number, FeishuCodeKind>([
  [99991400, 'rate_limit'],
  [230020, 'rate_limit'],
  [11232, 'rate_limit'],
  [11233, 'rate_limit'],
  [99991661, 'token'],
  [99991663, 'token'],
  [99991664, 'token'],
  [99991668, 'token'],
  [99991671, 'token'],
  [10012, 'ticket'],
  [99991672, 'permission'],
  [99991679, 'permission'],
  [99991676, 'permission'],
  [2200, 'transient'],
  [5000, 'transient'],
  [1254607, 'transient'],
]);

/**
 * Classifies a Feishu `code` with the HTTP status it came with: an unlisted code is a throttle
 * on 429, transient on any 5xx.
 *
 * @example
 * classifyFeishuCode(99991663, 400) // { kind: 'token', retryable: true }
 */
export function classifyFeishuCode(code: number, httpStatus: number): { kind: FeishuCodeKind; retryable: boolean } {
  // A 429 is a throttle whatever its body says (some gateways answer it without Feishu's code).
  const kind = KINDS.get(code) ?? (httpStatus === 429 ? 'rate_limit' : httpStatus >= 500 ? 'transient' : 'other');
  return { kind, retryable: kind === 'rate_limit' || kind === 'token' || kind === 'ticket' || kind === 'transient' };
}
