import { describe, expect, it } from 'vitest';
import { classifyFeishuCode } from './classify-feishu-code.ts';
import { FeishuApiError } from './feishu-api-error.ts';

describe('classifyFeishuCode', () => {
  it.each([
    [99991400, 429, 'rate_limit', true],
    [230020, 400, 'rate_limit', true],
    [11232, 200, 'rate_limit', true],
    [99991663, 400, 'token', true],
    [99991661, 400, 'token', true],
    [10012, 200, 'ticket', true],
    [99991672, 400, 'permission', false],
    [99991679, 400, 'permission', false],
    [2200, 500, 'transient', true],
    [1254607, 200, 'transient', true],
    [41050, 400, 'other', false],
    [-1, 502, 'transient', true],
  ] as const)('code %i with HTTP %i is %s (retryable: %s)', (code, status, kind, retryable) => {
    expect(classifyFeishuCode(code, status)).toEqual({ kind, retryable });
  });

  it('turns a failure into a FeishuApiError with a stable gateway code and the missing scopes', () => {
    const error = new FeishuApiError({ code: 99991672, msg: 'Access denied', logId: '2026', httpStatus: 400, api: 'contact.v3.user.get', missingScopes: ['contact:user.base:readonly'] });
    expect(error.code).toBe('feishu.permission_denied');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ feishuCode: 99991672, logId: '2026', httpStatus: 400, missingScopes: ['contact:user.base:readonly'] });
    expect(new FeishuApiError({ code: 99991400, msg: 'limit', logId: undefined, httpStatus: 429, api: 'x', retryAfterSeconds: 3 }).code).toBe('feishu.rate_limited');
  });
});
