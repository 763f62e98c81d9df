import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decryptEvent, encryptEvent, signRequest } from '../src/events/event-crypto.ts';

describe('event crypto (platform doc §3.2–3.3)', () => {
  it('decrypts the official documentation vector', () => {
    expect(decryptEvent('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('decrypts the official SDK test vector', () => {
    const encrypted =
      'tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e';
    expect(decryptEvent('mazhe.nerd', encrypted)).toBe('{"challenge":"5634b122-c042-4634-bc7f-b07a3c3e77ad","token":"iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6","type":"url_verification"}');
  });

  it('reproduces the documented ciphertext from its IV, so the padding is PKCS#7', () => {
    const iv = Buffer.from('3f7ef0f9564898d80f10ed5106127a46', 'hex');
    expect(encryptEvent('test key', 'hello world', iv)).toBe('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=');
  });

  it('uses a fresh IV each time and round-trips through the official SDK cipher', () => {
    const plaintext = JSON.stringify({ schema: '2.0', event: { text: '你好, world' } });
    const first = encryptEvent('k', plaintext);
    expect(encryptEvent('k', plaintext)).not.toBe(first);
    expect(decryptEvent('k', first)).toBe(plaintext);
    expect(new lark.AESCipher('k').decrypt(first)).toBe(plaintext);
  });

  it('refuses a wrong key and truncated input', () => {
    const encrypted = encryptEvent('right', 'a secret event body that spans several blocks');
    expect(() => decryptEvent('wrong', encrypted)).toThrow();
    expect(() => decryptEvent('right', encrypted.slice(0, 20))).toThrow(RangeError);
  });

  it('signs timestamp + nonce + key + body as lowercase hex SHA-256', () => {
    const body = '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}';
    expect(signRequest('1700000000', 'abc', 'test key', body)).toBe('0c09d96c2aef2ad08179b3967ea410bbc91dab24ce3aec05af962cf1935844af');
    expect(signRequest('1700000001', 'abc', 'test key', body)).not.toBe('0c09d96c2aef2ad08179b3967ea410bbc91dab24ce3aec05af962cf1935844af');
  });
});
