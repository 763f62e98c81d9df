import { describe, expect, it } from 'vitest';
import type { App } from '../../../emulator/src/state/types.ts';
import { appTicketEnvelope, eventRequest, v2Envelope } from '../../../emulator/src/events/event-request.ts';
import { encryptForFeishu, signatureHeaders } from '../../test/support/feishu-push.ts';
import { openPush } from './open-push.ts';
import type { PushConnection, PushRequest } from './push-request.ts';

const KEY = 'encrypt-key-under-test';
const TOKEN = 'verification-token-under-test';
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const options = { now: NOW, maxAgeMs: 24 * HOUR };
const withBoth: PushConnection = { name: 'default', encryptKey: KEY, verificationToken: TOKEN };
const keyOnly: PushConnection = { name: 'key-only', encryptKey: KEY, verificationToken: undefined };
const tokenOnly: PushConnection = { name: 'token-only', encryptKey: undefined, verificationToken: TOKEN };

/** A push as Feishu sends it to a connection with an Encrypt Key: encrypted, then signed. */
function signedPush(envelope: object, encryptKey = KEY): PushRequest {
  return signedBody(JSON.stringify({ encrypt: encryptForFeishu(encryptKey, JSON.stringify(envelope)) }), encryptKey);
}

function signedBody(body: string | Uint8Array, encryptKey = KEY, timestamp = '1700000000', nonce = '8f2a61c0'): PushRequest {
  const rawBody = typeof body === 'string' ? Buffer.from(body) : body;
  return { headers: signatureHeaders(encryptKey, rawBody, { timestamp, nonce }), rawBody };
}

function plainPush(body: object | string): PushRequest {
  return { headers: {}, rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

function v2Event(header: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: '5e3702a84e847582be8db7fb73283c02',
      event_type: 'im.message.receive_v1',
      create_time: String(NOW - 1_000),
      token: TOKEN,
      app_id: 'cli_9f0a1b2c3d4e5f60',
      tenant_key: '736588c9260f175d',
      ...header,
    },
    event: { message: { message_id: 'om_1', content: '{"text":"hi"}' } },
  };
}

function v1Event(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ts: ((NOW - 1_000) / 1000).toFixed(7),
    uuid: 'b8f1c2d3-0000-4000-8000-1234567890ab',
    token: TOKEN,
    type: 'event_callback',
    event: { type: 'app_ticket', app_id: 'cli_9f0a1b2c3d4e5f60', app_ticket: 'ticket-1' },
    ...fields,
  };
}

/** A URL verification body; `challenge()` carries the right token, `challenge(x)` carries `x` (undefined: none). */
function challenge(...token: [unknown?]): Record<string, unknown> {
  return { challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad', token: token.length === 0 ? TOKEN : token[0], type: 'url_verification' };
}

function flip(text: string, at = 0): string {
  const char = text[at] === 'a' ? 'b' : 'a';
  return text.slice(0, at) + char + text.slice(at + 1);
}

describe('openPush with an Encrypt Key', () => {
  it('opens a signed, encrypted v2 event', () => {
    const envelope = v2Event();

    expect(openPush(signedPush(envelope), withBoth, options)).toEqual({
      kind: 'event',
      schema: '2.0',
      eventId: '5e3702a84e847582be8db7fb73283c02',
      eventType: 'im.message.receive_v1',
      createdAt: NOW - 1_000,
      tenantKey: '736588c9260f175d',
      appId: 'cli_9f0a1b2c3d4e5f60',
      payload: envelope,
      stale: false,
    });
  });

  it('opens a signed, encrypted v1 event', () => {
    expect(openPush(signedPush(v1Event()), withBoth, options)).toMatchObject({
      kind: 'event',
      schema: '1.0',
      eventId: 'b8f1c2d3-0000-4000-8000-1234567890ab',
      eventType: 'app_ticket',
      createdAt: NOW - 1_000,
      tenantKey: undefined,
      appId: 'cli_9f0a1b2c3d4e5f60',
      stale: false,
    });
  });

  it('accepts a correctly signed body containing whitespace (which the Node SDK would reject)', () => {
    const body = `{\n  "encrypt" : "${encryptForFeishu(KEY, JSON.stringify(v2Event(), null, 2))}"\n}\n`;

    expect(openPush(signedBody(body), withBoth, options)).toMatchObject({ kind: 'event', eventId: '5e3702a84e847582be8db7fb73283c02' });
  });

  it('accepts a signed body that is not encrypted', () => {
    expect(openPush(signedBody(JSON.stringify(v2Event(), null, 1)), withBoth, options)).toMatchObject({ kind: 'event' });
  });

  it('matches the signature example of the platform doc §3.3', () => {
    const body = '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}';
    const request = { headers: { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'abc', 'x-lark-signature': '0c09d96c2aef2ad08179b3967ea410bbc91dab24ce3aec05af962cf1935844af' }, rawBody: Buffer.from(body) };

    // The signature holds, so the push gets as far as the plaintext ("hello world"), which is not JSON.
    expect(() => openPush(request, { name: 'doc', encryptKey: 'test key', verificationToken: undefined }, options)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  describe('rejects a flipped byte as events.signature_invalid', () => {
    const valid = signedPush(v2Event());
    const header = (name: string) => valid.headers[name] ?? '';
    const cases: [string, PushRequest][] = [
      ['in the body', { headers: valid.headers, rawBody: Buffer.from(flip(Buffer.from(valid.rawBody).toString(), 20)) }],
      ['in the last byte of the body', { headers: valid.headers, rawBody: Buffer.from([...valid.rawBody.subarray(0, -1), 0x20]) }],
      ['in the timestamp', { headers: { ...valid.headers, 'x-lark-request-timestamp': flip(header('x-lark-request-timestamp'), 9) }, rawBody: valid.rawBody }],
      ['in the nonce', { headers: { ...valid.headers, 'x-lark-request-nonce': flip(header('x-lark-request-nonce')) }, rawBody: valid.rawBody }],
      ['in the signature', { headers: { ...valid.headers, 'x-lark-signature': flip(header('x-lark-signature'), 63) }, rawBody: valid.rawBody }],
    ];

    it('(the unmodified push is accepted)', () => {
      expect(openPush(valid, withBoth, options)).toMatchObject({ kind: 'event' });
    });

    it.each(cases)('%s', (_where, request) => {
      expect(() => openPush(request, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid', status: 401 }));
    });
  });

  it.each([
    ['upper-case hex', (signature: string) => signature.toUpperCase()],
    ['a truncated digest', (signature: string) => signature.slice(0, 62)],
    ['a longer digest', (signature: string) => `${signature}00`],
    ['non-hex characters', (signature: string) => `${signature.slice(0, 63)}g`],
    ['base64 of the digest', (signature: string) => Buffer.from(signature, 'hex').toString('base64')],
  ])('rejects a signature written as %s', (_what, rewrite) => {
    const request = signedPush(v2Event());
    const headers = { ...request.headers, 'x-lark-signature': rewrite(request.headers['x-lark-signature'] ?? '') };

    expect(() => openPush({ headers, rawBody: request.rawBody }, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
  });

  it('rejects a push signed with another key', () => {
    expect(() => openPush(signedPush(v2Event(), 'another key'), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
  });

  it.each(['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature'])('rejects an event without %s as events.signature_missing', (name) => {
    const request = signedPush(v2Event());
    for (const value of [undefined, '']) {
      const headers = { ...request.headers, [name]: value };
      expect(() => openPush({ headers, rawBody: request.rawBody }, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_missing', status: 401 }));
    }
  });

  it('rejects an unsigned plain event as events.signature_missing', () => {
    expect(() => openPush(plainPush(v2Event()), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_missing' }));
  });

  it('answers every unsigned push that is not a challenge alike, so padding errors do not leak', () => {
    const undecryptable = plainPush({ encrypt: encryptForFeishu('another key', JSON.stringify(challenge())) });
    const notJson = plainPush({ encrypt: encryptForFeishu(KEY, 'not json') });
    const notChallenge = plainPush({ encrypt: encryptForFeishu(KEY, JSON.stringify(v2Event())) });
    const badBase64 = plainPush({ encrypt: '%%%' });

    for (const request of [undecryptable, notJson, notChallenge, badBase64]) {
      expect(() => openPush(request, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_missing' }));
    }
  });

  it('rejects a signed encrypt field that does not decrypt as events.decrypt_failed', () => {
    for (const encrypted of ['not base64!', encryptForFeishu('another key', JSON.stringify(v2Event())), Buffer.alloc(20).toString('base64'), 7]) {
      expect(() => openPush(signedBody(JSON.stringify({ encrypt: encrypted })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed', status: 400 }));
    }
  });

  it('rejects a signed plaintext that is not JSON as events.decrypt_failed', () => {
    expect(() => openPush(signedBody(JSON.stringify({ encrypt: encryptForFeishu(KEY, '{"schema":') })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  it('rejects a signed plaintext that is JSON but not an envelope as events.malformed_body', () => {
    for (const plaintext of ['[1,2]', '"2.0"', 'null', '{}', '{"encrypt":"x"}']) {
      expect(() => openPush(signedBody(JSON.stringify({ encrypt: encryptForFeishu(KEY, plaintext) })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
    }
  });
});

describe('openPush and the URL verification challenge', () => {
  it('answers a plain challenge at a token-only connection', () => {
    expect(openPush(plainPush(challenge()), tokenOnly, options)).toEqual({ kind: 'challenge', challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' });
  });

  it('answers an encrypted, unsigned challenge (Feishu does not sign it)', () => {
    expect(openPush(plainPush({ encrypt: encryptForFeishu(KEY, JSON.stringify(challenge())) }), withBoth, options)).toEqual({ kind: 'challenge', challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' });
  });

  it('answers a signed, encrypted challenge too', () => {
    expect(openPush(signedPush(challenge()), withBoth, options)).toMatchObject({ kind: 'challenge' });
  });

  it('answers the challenge of official test vector 2 at a key-only connection', () => {
    const body = JSON.stringify({ encrypt: 'tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e' });
    const connection = { name: 'sdk', encryptKey: 'mazhe.nerd', verificationToken: undefined };

    expect(openPush(plainPush(body), connection, options)).toEqual({ kind: 'challenge', challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' });
    // With the token from the same vector configured, it still passes; with another, it does not.
    expect(openPush(plainPush(body), { ...connection, verificationToken: 'iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6' }, options)).toMatchObject({ kind: 'challenge' });
    expect(() => openPush(plainPush(body), { ...connection, verificationToken: TOKEN }, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });

  it.each([
    ['another token', 'some-other-token'],
    ['no token', undefined],
    ['a non-string token', 12],
    ['a token with a different length', `${TOKEN}x`],
  ])('rejects a challenge carrying %s as events.token_invalid', (_what, token) => {
    expect(() => openPush(plainPush(challenge(token)), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid', status: 401 }));
    expect(() => openPush(plainPush({ encrypt: encryptForFeishu(KEY, JSON.stringify(challenge(token))) }), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });

  it('does not check the token of a challenge when the connection has no Verification Token', () => {
    expect(openPush(plainPush({ encrypt: encryptForFeishu(KEY, JSON.stringify(challenge('whatever'))) }), keyOnly, options)).toMatchObject({ kind: 'challenge' });
  });

  it.each([
    ['an empty challenge', { challenge: '', token: TOKEN, type: 'url_verification' }],
    ['a missing challenge', { token: TOKEN, type: 'url_verification' }],
    ['a numeric challenge', { challenge: 1, token: TOKEN, type: 'url_verification' }],
  ])('rejects %s as events.malformed_body', (_what, body) => {
    expect(() => openPush(plainPush(body), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });
});

describe('openPush with only a Verification Token', () => {
  it('opens a plain v2 event with the right token', () => {
    expect(openPush(plainPush(v2Event()), tokenOnly, options)).toMatchObject({ kind: 'event', schema: '2.0', eventType: 'im.message.receive_v1' });
  });

  it('opens a plain v1 event with the right token', () => {
    expect(openPush(plainPush(v1Event()), tokenOnly, options)).toMatchObject({ kind: 'event', schema: '1.0', eventType: 'app_ticket' });
  });

  it('rejects a v2 event whose header.token differs, or is missing', () => {
    expect(() => openPush(plainPush(v2Event({ token: 'forged' })), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
    expect(() => openPush(plainPush(v2Event({ token: undefined })), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });

  it('rejects a v1 event whose token differs', () => {
    expect(() => openPush(plainPush(v1Event({ token: 'forged' })), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });

  it('checks the token of a signed event too when the connection has both secrets', () => {
    expect(() => openPush(signedPush(v2Event({ token: 'forged' })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
    expect(openPush(signedPush(v2Event({ token: 'forged' })), keyOnly, options)).toMatchObject({ kind: 'event' });
  });

  it('rejects an encrypted body as events.decrypt_failed (there is no key to decrypt it with)', () => {
    expect(() => openPush(plainPush({ encrypt: encryptForFeishu(KEY, JSON.stringify(v2Event())) }), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.decrypt_failed' }));
  });

  it('ignores signature headers, which Feishu only computes with an Encrypt Key', () => {
    const request = { headers: { 'x-lark-request-timestamp': '1', 'x-lark-request-nonce': 'n', 'x-lark-signature': 'junk' }, rawBody: Buffer.from(JSON.stringify(v2Event())) };
    expect(openPush(request, tokenOnly, options)).toMatchObject({ kind: 'event' });
  });
});

describe('openPush with no secret at all', () => {
  it.each([
    ['undefined', undefined],
    ['empty strings', ''],
  ])('refuses every push as events.not_verifiable when both secrets are %s', (_what, secret) => {
    const connection = { name: 'bare', encryptKey: secret, verificationToken: secret };
    for (const request of [plainPush(v2Event()), plainPush(challenge()), signedPush(v2Event())]) {
      expect(() => openPush(request, connection, options)).toThrow(expect.objectContaining({ code: 'events.not_verifiable', status: 500 }));
    }
  });
});

describe('openPush and stale events', () => {
  const maxAgeMs = 24 * HOUR;
  const tooOld = NOW - maxAgeMs - 1;
  const justInTime = NOW - maxAgeMs;

  it('flags a v2 event whose millisecond create_time is older than maxAgeMs', () => {
    expect(openPush(signedPush(v2Event({ create_time: String(tooOld) })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ createdAt: tooOld, stale: true });
    expect(openPush(signedPush(v2Event({ create_time: String(justInTime) })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ createdAt: justInTime, stale: false });
  });

  it('flags a v2 event whose microsecond create_time is older than maxAgeMs', () => {
    expect(openPush(signedPush(v2Event({ create_time: `${tooOld}123` })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ createdAt: tooOld, stale: true });
    expect(openPush(signedPush(v2Event({ create_time: `${justInTime}999` })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ createdAt: justInTime, stale: false });
  });

  it('flags a v1 event whose ts (seconds) is older than maxAgeMs', () => {
    expect(openPush(signedPush(v1Event({ ts: ((NOW - maxAgeMs - 1_000) / 1000).toFixed(7) })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ createdAt: NOW - maxAgeMs - 1_000, stale: true });
    expect(openPush(signedPush(v1Event({ ts: (justInTime / 1000).toFixed(3) })), withBoth, { now: NOW, maxAgeMs })).toMatchObject({ stale: false });
  });

  it('does not flag an event from the future (clock skew)', () => {
    expect(openPush(signedPush(v2Event({ create_time: String(NOW + HOUR) })), withBoth, options)).toMatchObject({ stale: false });
  });
});

describe('openPush and malformed bodies', () => {
  it.each([
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['not JSON', Buffer.from('{"schema":"2.0",')],
    ['an array', Buffer.from('[]')],
    ['a string', Buffer.from('"hello"')],
    ['empty', Buffer.alloc(0)],
    ['an object with no envelope', Buffer.from('{"hello":"world"}')],
    ['schema 1.0 in the v2 shape', Buffer.from(JSON.stringify({ ...v2Event(), schema: '1.0' }))],
    ['v2 without event', Buffer.from(JSON.stringify({ schema: '2.0', header: (v2Event()['header']) }))],
    ['v2 with a header array', Buffer.from(JSON.stringify({ schema: '2.0', header: [], event: {} }))],
    ['v2 with a numeric event_id', Buffer.from(JSON.stringify(v2Event({ event_id: 5 })))],
    ['v2 with an oversized event_id', Buffer.from(JSON.stringify(v2Event({ event_id: 'e'.repeat(257) })))],
    ['v2 without event_type', Buffer.from(JSON.stringify(v2Event({ event_type: undefined })))],
    ['v2 with a non-numeric create_time', Buffer.from(JSON.stringify(v2Event({ create_time: 'yesterday' })))],
    ['v2 without create_time', Buffer.from(JSON.stringify(v2Event({ create_time: undefined })))],
    ['v2 with an empty tenant_key', Buffer.from(JSON.stringify(v2Event({ tenant_key: '' })))],
    ['v1 with another type', Buffer.from(JSON.stringify(v1Event({ type: 'event' })))],
    ['v1 without event.type', Buffer.from(JSON.stringify(v1Event({ event: { app_id: 'cli_1' } })))],
    ['v1 with a bad ts', Buffer.from(JSON.stringify(v1Event({ ts: '1.2.3' })))],
    ['a repeated key', Buffer.from(`{"schema":"2.0","schema":"2.0","header":${JSON.stringify(v2Event()['header'])},"event":{}}`)],
    ['a repeated key hidden by an escape', Buffer.from(`{"type":"url_verification","challenge":"c","token":"${TOKEN}","\\u0074oken":"x"}`)],
    ['100,000 nested arrays', Buffer.from(`{"challenge":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)],
    ['objects nested past the limit', Buffer.from(JSON.stringify(v2Event({ extra: JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70)) as unknown })))],
  ])('rejects a body that is %s as events.malformed_body', (_what, rawBody) => {
    expect(() => openPush({ headers: {}, rawBody }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body', status: 400 }));
    expect(() => openPush(signedBody(rawBody), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body', status: 400 }));
  });

  it('never puts a secret, a token or payload content into an error', () => {
    const secretish = /encrypt-key-under-test|verification-token-under-test|forged-token-value|om_1|hi\\"/;
    const failures = [
      () => openPush(plainPush(v2Event({ token: 'forged-token-value' })), tokenOnly, options),
      () => openPush(signedPush(v2Event(), 'forged-token-value'), withBoth, options),
      () => openPush(signedBody(JSON.stringify({ encrypt: encryptForFeishu('forged-token-value', JSON.stringify(v2Event())) })), withBoth, options),
      () => openPush(plainPush(v2Event({ event_id: 'om_1'.repeat(100) })), tokenOnly, options),
      () => openPush(plainPush('{"token":"forged-token-value",'), tokenOnly, options),
      () => openPush(plainPush({ token: 'forged-token-value', content: 'om_1' }), tokenOnly, options),
    ];
    for (const fail of failures) {
      let error: unknown;
      try {
        fail();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(Error);
      const { message, details } = error as { message: string; details?: unknown };
      expect(message).not.toMatch(secretish);
      expect(JSON.stringify(details ?? null)).not.toMatch(secretish);
    }
  });
});

describe('openPush against the emulator\'s signing code', () => {
  const app: App = {
    appId: 'cli_emulated', appSecret: 'secret', type: 'self_built', name: 'Emulated', encryptKey: KEY, verificationToken: TOKEN,
    eventRequestUrl: undefined, cardRequestUrl: undefined, redirectUrls: [], subscribedEvents: new Set(), scopes: new Set(),
    eventMode: 'http', callbackMode: 'http', cardCallbackStyle: 'v2', installations: new Map(), appTicket: undefined,
  };

  it('opens a v2 event the emulator encrypted and signed', () => {
    const envelope = v2Envelope(app, { eventId: 'ev-1', eventType: 'contact.user.created_v3', createTime: NOW - 5_000, tenantKey: 'tenant-1' }, { object: {} });
    const { body, headers } = eventRequest(app, envelope, NOW);

    expect(openPush({ headers, rawBody: Buffer.from(body) }, withBoth, options)).toMatchObject({
      kind: 'event', schema: '2.0', eventId: 'ev-1', eventType: 'contact.user.created_v3', createdAt: NOW - 5_000, tenantKey: 'tenant-1', appId: 'cli_emulated', stale: false, payload: envelope,
    });
  });

  it('opens the emulator\'s v1 app_ticket, plain, at a token-only connection', () => {
    const { body, headers } = eventRequest({ ...app, encryptKey: undefined }, appTicketEnvelope(app, 'ticket-9', { uuid: 'u-9', nowMs: NOW }), NOW);

    expect(openPush({ headers, rawBody: Buffer.from(body) }, tokenOnly, options)).toMatchObject({ kind: 'event', schema: '1.0', eventId: 'u-9', eventType: 'app_ticket', createdAt: NOW, appId: 'cli_emulated' });
  });
});
