/**
 * How a failure's body is laid out. Feishu is not uniform (platform doc §11), and neither is
 * the emulator where it copies Feishu:
 * - `open_api`: `{code, msg, error: {log_id, …details}}`, the Open API's envelope;
 * - `oauth`: `{code, error, error_description}` at the top level (authen v2, RFC 6749 style);
 * - `hook`: `{code, msg, data: {}}`, always HTTP 200 (custom-bot webhooks);
 * - `control`: `{code: "<stable text>", msg}`, the emulator's own control API.
 */
export type ErrorShape = 'open_api' | 'oauth' | 'hook' | 'control';

/**
 * The emulator's one error family: a failure answered the way Feishu answers it. Routes throw
 * it; `errorResponse` writes it. `code` is Feishu's number, or a stable text for control errors.
 */
export class FeishuError extends Error {
  readonly status: number;
  readonly code: number | string;
  readonly shape: ErrorShape;
  /** Extra fields: RFC 6749 `error` for `oauth`; top-level fields or `error` details for `open_api`. */
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: number | string, msg: string, extra: Record<string, unknown> = {}, shape: ErrorShape = 'open_api') {
    super(msg);
    this.status = status;
    this.code = code;
    this.extra = extra;
    this.shape = shape;
  }
}
