import { errorCodes, type ErrorCode } from './error-codes.ts';

export type GatewayErrorOptions = {
  cause?: unknown;
  /** Safe, non-personal facts for logs and, for 4xx errors, for the response. */
  details?: Readonly<Record<string, unknown>>;
};

/**
 * The one error family of the gateway. Foreign errors (driver, SDK, parser) are translated into
 * a `GatewayError` once, at the boundary where they enter, so every layer above sees a stable
 * `code` and the HTTP status that goes with it.
 *
 * @example
 * throw new GatewayError('http.body_too_large', 'Body exceeds 1048576 bytes');
 */
export class GatewayError extends Error {
  override readonly name: string = 'GatewayError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = errorCodes[code].status;
    this.details = options.details;
  }
}

/** True when `value` is a `GatewayError`, optionally with the given code. */
export function isGatewayError(value: unknown, code?: ErrorCode): value is GatewayError {
  return value instanceof GatewayError && (code === undefined || value.code === code);
}
