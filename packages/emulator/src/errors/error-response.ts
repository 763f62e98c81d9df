import type { Context } from 'hono';
import type { FeishuError } from './feishu-error.ts';

/** Writes `error` in its shape (see `ErrorShape`), with the response's log id where Feishu puts one. */
export function errorResponse(c: Context, error: FeishuError, logId: string): Response {
  const status = error.status as 400;
  switch (error.shape) {
    case 'oauth':
      return c.json({ code: error.code, error: error.extra['error'], error_description: error.message }, status);
    case 'hook':
      return c.json({ code: error.code, msg: error.message, data: {} }, 200);
    case 'control':
      return c.json({ code: error.code, msg: error.message }, status);
    case 'open_api': {
      // Details such as `field_violations` belong inside `error`, beside the log id.
      const { error: details, ...topLevel } = error.extra;
      const nested = typeof details === 'object' && details !== null ? details : {};
      return c.json({ code: error.code, msg: error.message, ...topLevel, error: { ...nested, log_id: logId } }, status);
    }
  }
}
