import { GatewayError } from '../errors/index.ts';
import { classifyFeishuCode, type FeishuCodeKind } from './classify-feishu-code.ts';

export type FeishuFailure = {
  /** Feishu's numeric `code` (0 never appears here). */
  readonly code: number;
  readonly msg: string;
  /** `x-tt-logid` (or the body's `error.log_id`), for Feishu support. */
  readonly logId: string | undefined;
  readonly httpStatus: number;
  /** The API as the governor and metrics name it, e.g. `im.v1.message.create`. */
  readonly api: string;
  /** Seconds until a throttle lifts (`x-ogw-ratelimit-reset`), for rate-limit codes. */
  readonly retryAfterSeconds?: number | undefined;
  /** For 99991672 / 99991679: the scopes Feishu says are missing. */
  readonly missingScopes?: readonly string[] | undefined;
};

const GATEWAY_CODES: Readonly<Record<FeishuCodeKind, 'feishu.api_error' | 'feishu.rate_limited' | 'feishu.permission_denied'>> = {
  rate_limit: 'feishu.rate_limited',
  permission: 'feishu.permission_denied',
  token: 'feishu.api_error',
  ticket: 'feishu.api_error',
  transient: 'feishu.api_error',
  other: 'feishu.api_error',
};

/**
 * A Feishu answer with `code != 0`, whatever its HTTP status, in the gateway's one error family.
 * `kind` and `retryable` come from the code table (`classifyFeishuCode`); the gateway code is
 * `feishu.rate_limited`, `feishu.permission_denied` or `feishu.api_error`.
 *
 * @example
 * if (error instanceof FeishuApiError && error.feishu.code === 230013) … // user outside availability
 */
export class FeishuApiError extends GatewayError {
  override readonly name = 'FeishuApiError';
  readonly feishu: FeishuFailure;
  readonly kind: FeishuCodeKind;
  readonly retryable: boolean;

  constructor(failure: FeishuFailure) {
    const { kind, retryable } = classifyFeishuCode(failure.code, failure.httpStatus);
    super(GATEWAY_CODES[kind], `Feishu ${failure.api} failed: ${failure.code} ${failure.msg}${failure.logId === undefined ? '' : ` (log_id ${failure.logId})`}`, {
      details: {
        feishuCode: failure.code,
        feishuMsg: failure.msg,
        logId: failure.logId,
        httpStatus: failure.httpStatus,
        api: failure.api,
        retryable,
        ...(failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds }),
        ...(failure.missingScopes === undefined ? {} : { missingScopes: failure.missingScopes }),
      },
    });
    this.feishu = failure;
    this.kind = kind;
    this.retryable = retryable;
  }
}
