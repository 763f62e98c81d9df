import { describe, expect, it } from 'vitest';
import { isSensitiveKey, redactValue, scrubText } from './redact-value.ts';

describe('isSensitiveKey', () => {
  it.each(['app_secret', 'appSecret', 'App-Secret', 'tenant_access_token', 'Authorization', 'encrypt', 'email', 'mobile', 'content', 'db_password', 'x-api-key'])(
    'treats %s as sensitive',
    (key) => {
      expect(isSensitiveKey(key)).toBe(true);
    },
  );

  it.each(['open_id', 'user_id', 'app_id', 'message_id', 'tokenCount', 'status'])('treats %s as harmless', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });
});

describe('scrubText', () => {
  it('replaces emails and mobiles but keeps timestamps', () => {
    expect(scrubText('a.b+c@mail.example.cn called 13812345678, +86 13912345678 and +4915112345678 at 1763779200000')).toBe(
      '[email] called [mobile], [mobile] and [mobile] at 1763779200000',
    );
  });
});

describe('redactValue', () => {
  it('returns a redacted copy and leaves the original untouched', () => {
    const original = { user: { id: 'ou_123', email: 'someone@example.com' } };

    expect(redactValue(original)).toEqual({ user: { id: 'ou_123', email: '[redacted]' } });
    expect(original.user.email).toBe('someone@example.com');
  });

  it('keeps null and undefined sensitive fields as they are', () => {
    expect(redactValue({ token: null, secret: undefined })).toEqual({ token: null, secret: undefined });
  });

  it('marks a circular reference instead of throwing', () => {
    const node: Record<string, unknown> = { name: 'loop' };
    node['self'] = node;

    expect(redactValue(node)).toEqual({ name: 'loop', self: '[circular]' });
  });

  it('logs an object referenced twice side by side in full both times', () => {
    const shared = { id: 'ou_1', token: 't-canary' };

    expect(redactValue({ a: shared, b: shared })).toEqual({ a: { id: 'ou_1', token: '[redacted]' }, b: { id: 'ou_1', token: '[redacted]' } });
  });

  it('stops at a fixed depth', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 20; level += 1) deep = { child: deep };

    expect(JSON.stringify(redactValue(deep))).toContain('[too deep]');
  });

  it('turns dates into ISO strings and bytes into their length', () => {
    expect(redactValue({ at: new Date(0), body: Buffer.from('secret') })).toEqual({ at: '1970-01-01T00:00:00.000Z', body: '[6 bytes]' });
  });

  it('turns an error into a plain object with its fields redacted', () => {
    const error = Object.assign(new Error('failed for someone@example.com'), { app_secret: 'hidden' });

    expect(redactValue(error)).toMatchObject({ type: 'Error', message: 'failed for [email]', app_secret: '[redacted]' });
  });
});
