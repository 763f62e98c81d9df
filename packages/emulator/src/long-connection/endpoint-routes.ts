import type { Hono } from 'hono';
import { errorResponse } from '../errors/error-response.ts';
import { FeishuError } from '../errors/feishu-error.ts';
import { tryReadJson } from '../http/read-json.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import { endpointErrors } from './endpoint-errors.ts';
import type { LongConnectionHub } from './long-connection-hub.ts';

/**
 * Endpoint discovery, `POST /callback/ws/endpoint` with `{AppID, AppSecret}` (platform doc §5.1):
 * `{code: 0, data: {URL, ClientConfig}}`, the URL pointing back at this emulator's host.
 */
export function addEndpointRoutes(app: Hono, state: EmulatorState, hub: LongConnectionHub): void {
  app.post('/callback/ws/endpoint', async (c) => {
    const read = await tryReadJson(c);
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const answer = 'problem' in read ? endpointErrors.missingCredentials() : hub.discover(read.body['AppID'], read.body['AppSecret'], host);
    if (answer instanceof FeishuError) return errorResponse(c, answer, c.res.headers.get('x-tt-logid') ?? state.logId());
    return c.json({ code: 0, msg: 'ok', data: answer });
  });
}
