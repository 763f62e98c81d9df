import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring } from './keyring.ts';
import { openSecret, sealSecret } from './seal-secret.ts';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const context = 'connections:default:app_secret';

/** `sealed` with one character of its payload (past the IV) replaced by another. */
function flipPayloadCharacter(sealed: string): string {
  const index = sealed.lastIndexOf('.') + 20;
  const replacement = sealed[index] === 'A' ? 'B' : 'A';
  return `${sealed.slice(0, index)}${replacement}${sealed.slice(index + 1)}`;
}

describe('sealSecret and openSecret', () => {
  const keyring = createKeyring([keyA]);

  it('opens what it sealed', () => {
    const sealed = sealSecret(keyring, 'app-secret-值', context);

    expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('app-secret');
    expect(openSecret(keyring, sealed, context)).toBe('app-secret-值');
  });

  it('seals one value differently each time', () => {
    expect(sealSecret(keyring, 'same', context)).not.toBe(sealSecret(keyring, 'same', context));
  });

  it('refuses to open a value under another context', () => {
    const sealed = sealSecret(keyring, 'app-secret', context);

    expect(() => openSecret(keyring, sealed, 'connections:other:app_secret')).toThrow(expect.objectContaining({ code: 'secrets.tampered' }));
  });

  it('refuses a value with one character of its payload changed', () => {
    const sealed = sealSecret(keyring, 'a secret long enough to span several base64 characters', context);

    expect(() => openSecret(keyring, flipPayloadCharacter(sealed), context)).toThrow(expect.objectContaining({ code: 'secrets.tampered' }));
  });

  it.each(['', 'plain text', 'v2.abc.def', 'v1.abc', 'v1.a.b.c'])('refuses %j as not sealed', (value) => {
    expect(() => openSecret(keyring, value, context)).toThrow(expect.objectContaining({ code: 'secrets.tampered' }));
  });

  it('refuses a truncated value', () => {
    const sealed = sealSecret(keyring, 'app-secret', context);
    const truncated = sealed.slice(0, sealed.lastIndexOf('.') + 10);

    expect(() => openSecret(keyring, truncated, context)).toThrow(expect.objectContaining({ code: 'secrets.tampered' }));
  });
});

describe('key rotation', () => {
  it('opens a value sealed under an old key and seals new values under the current key', () => {
    const old = createKeyring([keyA]);
    const rotated = createKeyring([keyB, keyA]);
    const sealedBefore = sealSecret(old, 'app-secret', context);

    expect(openSecret(rotated, sealedBefore, context)).toBe('app-secret');
    expect(sealSecret(rotated, 'app-secret', context).split('.')[1]).toBe(rotated.current.id);
    expect(rotated.current.id).not.toBe(old.current.id);
  });

  it('reports secrets.unknown_key for a value sealed under a key that is no longer configured', () => {
    const sealed = sealSecret(createKeyring([keyA]), 'app-secret', context);

    expect(() => openSecret(createKeyring([keyB]), sealed, context)).toThrow(expect.objectContaining({ code: 'secrets.unknown_key' }));
  });
});

describe('createKeyring', () => {
  it('rejects a key that is not 32 bytes', () => {
    expect(() => createKeyring([randomBytes(16).toString('base64')])).toThrow(expect.objectContaining({ code: 'secrets.key_invalid' }));
  });

  it('rejects an empty key list', () => {
    expect(() => createKeyring([])).toThrow(expect.objectContaining({ code: 'secrets.key_invalid' }));
  });

  it('derives the same id for the same key and never exposes the key in it', () => {
    const first = createKeyring([keyA]).current;

    expect(createKeyring([keyA]).current.id).toBe(first.id);
    expect(keyA).not.toContain(first.id);
    expect(Buffer.from(keyA, 'base64').toString('hex')).not.toContain(first.id);
  });
});
