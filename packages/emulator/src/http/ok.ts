import type { Context } from 'hono';

/**
 * Feishu's success envelope, `{code: 0, msg: "success", data}` with HTTP 200.
 *
 * @example
 * return ok(c, { user: serializeUser(app, tenant, user, ids) });
 */
export function ok(c: Context, data: unknown): Response {
  return c.json({ code: 0, msg: 'success', data });
}
