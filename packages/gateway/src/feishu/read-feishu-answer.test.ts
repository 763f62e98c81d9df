import { describe, expect, it } from 'vitest';
import { readFeishuAnswer } from './read-feishu-answer.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

describe('readFeishuAnswer', () => {
  it('treats HTTP 200 with a non-zero code as a failure, and takes the log id from the body when no header has it', async () => {
    const answer = await readFeishuAnswer(json(200, { code: 1254607, msg: 'Data not ready', error: { log_id: '2026112201' } }), false);
    expect(answer).toMatchObject({ kind: 'failure', status: 200, code: 1254607, msg: 'Data not ready', logId: '2026112201' });
  });

  it('reads success, with the x-tt-logid header', async () => {
    const answer = await readFeishuAnswer(json(200, { code: 0, msg: 'ok', data: { a: 1 } }, { 'x-tt-logid': '2026112202' }), false);
    expect(answer).toMatchObject({ kind: 'ok', body: { code: 0, data: { a: 1 } }, logId: '2026112202' });
  });

  it('reads a throttle: the reset time from its header, even when the body is not JSON', async () => {
    const throttled = await readFeishuAnswer(json(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '3' }), false);
    expect(throttled).toMatchObject({ kind: 'failure', status: 429, code: 99991400, resetSeconds: 3 });
    const html = await readFeishuAnswer(new Response('<html>Too Many Requests</html>', { status: 429, headers: { 'content-type': 'text/html', 'x-ogw-ratelimit-reset': '2' } }), false);
    expect(html).toMatchObject({ kind: 'failure', status: 429, code: -1, resetSeconds: 2 });
  });

  it('lists the scopes a permission error names', async () => {
    const answer = await readFeishuAnswer(
      json(400, { code: 99991672, msg: 'Access denied', error: { permission_violations: [{ type: 'action_privilege_required', subject: 'contact:user.base:readonly' }, { scope: 'im:message' }] } }),
      false,
    );
    expect(answer).toMatchObject({ kind: 'failure', code: 99991672, missingScopes: ['contact:user.base:readonly', 'im:message'] });
  });
});
