import { describe, expect, it } from 'vitest';
import { encryptForFeishu } from '../../test/support/feishu-push.ts';
import { decryptPush } from './decrypt-push.ts';

describe('decryptPush', () => {
  it('decrypts official test vector 1 (encrypt-key-encryption-configuration-case)', () => {
    expect(decryptPush('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('decrypts official test vector 2 (node-sdk challenge test)', () => {
    const encrypted = 'tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e';
    expect(decryptPush('mazhe.nerd', encrypted)).toBe('{"challenge":"5634b122-c042-4634-bc7f-b07a3c3e77ad","token":"iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6","type":"url_verification"}');
  });

  it('round-trips UTF-8 text encrypted with node:crypto', () => {
    expect(decryptPush('密钥', encryptForFeishu('密钥', '{"text":"你好"}'))).toBe('{"text":"你好"}');
  });

  it.each([
    ['a number', 42],
    ['a string outside the base64 alphabet', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk!'],
    ['base64 with embedded whitespace', 'P37w+VZImNgPEO1R BhJ6RtKl7n6zymIbEG1pReEzghk='],
    ['base64 of the wrong length', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk'],
    ['only an IV', Buffer.alloc(16).toString('base64')],
    ['an IV and a partial block', Buffer.alloc(40).toString('base64')],
    ['an empty string', ''],
  ])('rejects %s as events.decrypt_failed', (_what, encrypted) => {
    expect(() => decryptPush('test key', encrypted)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed', status: 400 }));
  });

  it('rejects a ciphertext under another key (bad padding)', () => {
    expect(() => decryptPush('other key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  it('rejects a plaintext whose padding is not PKCS#7', () => {
    const unpadded = encryptForFeishu('test key', Buffer.alloc(32, 0x41), { padding: false });
    expect(() => decryptPush('test key', unpadded)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  it('rejects a plaintext that is not UTF-8', () => {
    expect(() => decryptPush('test key', encryptForFeishu('test key', Buffer.from([0xff, 0xfe, 0x7b])))).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  it('says nothing of the key or the input in its message', () => {
    const error = captured(() => decryptPush('secret-encrypt-key', encryptForFeishu('another-key', '{"token":"hush"}')));
    expect(error.message).not.toMatch(/secret-encrypt-key|another-key|hush/);
  });
});

function captured(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
