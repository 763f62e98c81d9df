import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { App } from '../../../emulator/src/state/types.ts';
import { eventRequest } from '../../../emulator/src/events/event-request.ts';
import { legacyCallbackRequest } from '../../../emulator/src/events/legacy-callback-request.ts';
import { encryptForFeishu, signatureHeaders } from '../../test/support/feishu-push.ts';
import { openCardCallback } from './open-card-callback.ts';
import type { PushConnection, PushRequest } from './push-request.ts';

const KEY = 'card-encrypt-key';
const TOKEN = 'card-verification-token';
const NOW = 1_700_000_000_000;
const options = { now: NOW, maxAgeMs: 3_600_000 };
const withBoth: PushConnection = { name: 'default', encryptKey: KEY, verificationToken: TOKEN };
const keyOnly: PushConnection = { name: 'key-only', encryptKey: KEY, verificationToken: undefined };
const tokenOnly: PushConnection = { name: 'token-only', encryptKey: undefined, verificationToken: TOKEN };

const encrypt = (plaintext: string) => encryptForFeishu(KEY, plaintext);

/** Signature headers with a fixed nonce, stamped at NOW unless `timestamp` is given. */
function headers(algorithm: 'sha256' | 'sha1', secret: string, body: string, timestamp = String(NOW / 1000)): Record<string, string> {
  return signatureHeaders(secret, body, { algorithm, timestamp, nonce: '1f3e5d7c' });
}

function v2Push(envelope: object): PushRequest {
  const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(envelope)) });
  return { headers: headers('sha256', KEY, body), rawBody: Buffer.from(body) };
}

/** An old-style callback signed with node:crypto over the raw body, which has spacing JSON.stringify would not produce. */
function legacyPush(body: object | string, timestamp?: string): PushRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return { headers: headers('sha1', TOKEN, text, timestamp), rawBody: Buffer.from(text) };
}

function trigger(event: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: '2.0',
    header: { event_id: 'f7984f25108f8137722bb63cee927e66', event_type: 'card.action.trigger', create_time: String(NOW - 2_000), token: TOKEN, app_id: 'cli_a', tenant_key: 'tenant-a', ...header },
    event: {
      operator: { tenant_key: 'tenant-a', user_id: 'u-1', open_id: 'ou_1', union_id: 'on_1' },
      token: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d337bc7',
      action: { value: { choice: 'approve' }, tag: 'button' },
      host: 'im_message',
      context: { open_message_id: 'om_1', open_chat_id: 'oc_1' },
      ...event,
    },
  };
}

function legacyBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    open_id: 'ou_1',
    user_id: 'u-1',
    open_message_id: 'om_1',
    open_chat_id: 'oc_1',
    tenant_key: 'tenant-a',
    token: 'c-legacy-update-token',
    action: { value: { choice: 'reject' }, tag: 'button' },
    ...fields,
  };
}

describe('openCardCallback, v2 card.action.trigger', () => {
  it('opens an encrypted, signed callback', () => {
    const envelope = trigger();

    expect(openCardCallback(v2Push(envelope), withBoth, options)).toEqual({
      kind: 'card',
      style: 'v2',
      callbackId: 'f7984f25108f8137722bb63cee927e66',
      token: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d337bc7',
      openMessageId: 'om_1',
      openChatId: 'oc_1',
      operator: { openId: 'ou_1', userId: 'u-1', unionId: 'on_1', tenantKey: 'tenant-a' },
      action: { value: { choice: 'approve' }, tag: 'button' },
      createdAt: NOW - 2_000,
      stale: false,
      payload: envelope,
    });
  });

  it('opens a plain v2 callback at a token-only connection', () => {
    expect(openCardCallback({ headers: {}, rawBody: Buffer.from(JSON.stringify(trigger())) }, tokenOnly, options)).toMatchObject({ kind: 'card', style: 'v2' });
  });

  it('takes the tenant from the header when the operator has none', () => {
    const envelope = trigger({ operator: { open_id: 'ou_2' } });

    expect(openCardCallback(v2Push(envelope), withBoth, options)).toMatchObject({ operator: { openId: 'ou_2', userId: undefined, unionId: undefined, tenantKey: 'tenant-a' } });
  });

  it('flags a stale callback', () => {
    expect(openCardCallback(v2Push(trigger({}, { create_time: String(NOW - 3_600_001) })), withBoth, options)).toMatchObject({ stale: true });
  });

  it('verifies the SHA-256 signature like an event', () => {
    const request = v2Push(trigger());
    const body = Buffer.from(request.rawBody);
    body.writeUInt8(body.readUInt8(body.length - 3) ^ 1, body.length - 3);

    expect(() => openCardCallback({ headers: request.headers, rawBody: body }, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
    expect(() => openCardCallback({ headers: {}, rawBody: request.rawBody }, withBoth, options)).toThrow(expect.objectContaining({ code: 'events.signature_missing' }));
  });

  it('checks the Verification Token in the header', () => {
    expect(() => openCardCallback(v2Push(trigger({}, { token: 'forged' })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });

  it('rejects a v2 push of another event type, and a v1 event', () => {
    expect(() => openCardCallback(v2Push(trigger({}, { event_type: 'im.message.receive_v1' })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
    const v1 = { ts: '1700000000.1', uuid: 'u', token: TOKEN, type: 'event_callback', event: { type: 'card.action.trigger' } };
    expect(() => openCardCallback(v2Push(v1), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });

  it.each([
    ['no operator', { operator: undefined }],
    ['no open_id', { operator: { tenant_key: 't' } }],
    ['no update token', { token: undefined }],
    ['a numeric update token', { token: 5 }],
    ['no context', { context: undefined }],
    ['no open_message_id', { context: { open_chat_id: 'oc_1' } }],
    ['an action string', { action: 'click' }],
  ])('rejects a callback with %s as events.malformed_body', (_what, event) => {
    expect(() => openCardCallback(v2Push(trigger(event)), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });

  it('rejects a callback with no tenant anywhere', () => {
    expect(() => openCardCallback(v2Push(trigger({ operator: { open_id: 'ou_1' } }, { tenant_key: undefined })), withBoth, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });
});

describe('openCardCallback and challenges', () => {
  const challenge = { challenge: 'ch-1', token: TOKEN, type: 'url_verification' };

  it('answers a plain challenge', () => {
    expect(openCardCallback({ headers: {}, rawBody: Buffer.from(JSON.stringify(challenge)) }, tokenOnly, options)).toEqual({ kind: 'challenge', challenge: 'ch-1' });
  });

  it('answers an encrypted, unsigned challenge', () => {
    expect(openCardCallback({ headers: {}, rawBody: Buffer.from(JSON.stringify({ encrypt: encrypt(JSON.stringify(challenge)) })) }, withBoth, options)).toEqual({ kind: 'challenge', challenge: 'ch-1' });
  });

  it('rejects a challenge with the wrong token', () => {
    const forged = JSON.stringify({ ...challenge, token: 'forged' });
    expect(() => openCardCallback({ headers: {}, rawBody: Buffer.from(forged) }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.token_invalid' }));
  });
});

describe('openCardCallback, old-style flat callbacks', () => {
  it('opens a callback signed with SHA-1 over timestamp + nonce + Verification Token + the raw body', () => {
    const request = legacyPush(legacyBody());

    expect(openCardCallback(request, withBoth, options)).toEqual({
      kind: 'card',
      style: 'legacy',
      callbackId: createHash('sha256').update(request.rawBody).digest('hex'),
      token: 'c-legacy-update-token',
      openMessageId: 'om_1',
      openChatId: 'oc_1',
      operator: { openId: 'ou_1', userId: 'u-1', unionId: undefined, tenantKey: 'tenant-a' },
      action: { value: { choice: 'reject' }, tag: 'button' },
      createdAt: NOW,
      stale: false,
      payload: legacyBody(),
    });
  });

  it('opens one at a token-only connection, without open_chat_id and user_id', () => {
    expect(openCardCallback(legacyPush(legacyBody({ open_chat_id: undefined, user_id: undefined })), tokenOnly, options)).toMatchObject({
      openChatId: undefined,
      operator: { openId: 'ou_1', userId: undefined, tenantKey: 'tenant-a' },
    });
  });

  it('gives the same body the same callbackId, and another body another', () => {
    const first = openCardCallback(legacyPush(legacyBody()), tokenOnly, options);
    const again = openCardCallback(legacyPush(legacyBody()), tokenOnly, options);
    const other = openCardCallback(legacyPush(legacyBody({ token: 'c-other' })), tokenOnly, options);

    expect(first.kind === 'card' && again.kind === 'card' && other.kind === 'card').toBe(true);
    expect(again).toMatchObject({ callbackId: (first as { callbackId: string }).callbackId });
    expect(other).not.toMatchObject({ callbackId: (first as { callbackId: string }).callbackId });
  });

  it('flags a callback whose signed timestamp is older than maxAgeMs', () => {
    expect(openCardCallback(legacyPush(legacyBody(), String((NOW - 3_600_001) / 1000)), tokenOnly, options)).toMatchObject({ stale: true });
  });

  describe('rejects a flipped byte as events.signature_invalid', () => {
    const valid = legacyPush(legacyBody());
    const cases: [string, PushRequest][] = [
      ['in the body', { headers: valid.headers, rawBody: Buffer.from(Buffer.from(valid.rawBody).toString().replace('"om_1"', '"om_2"')) }],
      ['in the timestamp', { headers: { ...valid.headers, 'x-lark-request-timestamp': String(NOW / 1000 + 1) }, rawBody: valid.rawBody }],
      ['in the nonce', { headers: { ...valid.headers, 'x-lark-request-nonce': '1f3e5d7d' }, rawBody: valid.rawBody }],
      ['in the signature', { headers: { ...valid.headers, 'x-lark-signature': (valid.headers['x-lark-signature'] ?? '').replace(/.$/, (last) => (last === '0' ? '1' : '0')) }, rawBody: valid.rawBody }],
    ];

    it.each(cases)('%s', (_where, request) => {
      expect(() => openCardCallback(request, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid', status: 401 }));
    });
  });

  it('rejects a body re-encoded after signing', () => {
    const signed = legacyPush(legacyBody());
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(signed.rawBody).toString()) as unknown));

    expect(() => openCardCallback({ headers: signed.headers, rawBody: reencoded }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
  });

  it('rejects a callback signed with SHA-256 or with another token', () => {
    const text = JSON.stringify(legacyBody());
    expect(() => openCardCallback({ headers: headers('sha256', TOKEN, text), rawBody: Buffer.from(text) }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
    expect(() => openCardCallback({ headers: headers('sha1', 'another token', text), rawBody: Buffer.from(text) }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid' }));
  });

  it.each(['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature'])('rejects a callback without %s as events.signature_missing', (name) => {
    const request = legacyPush(legacyBody());
    expect(() => openCardCallback({ headers: { ...request.headers, [name]: undefined }, rawBody: request.rawBody }, tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_missing', status: 401 }));
  });

  it('rejects a callback at a connection without a Verification Token, as nothing can verify it', () => {
    expect(() => openCardCallback(legacyPush(legacyBody()), keyOnly, options)).toThrow(expect.objectContaining({ code: 'events.signature_invalid', status: 401 }));
  });

  it('refuses everything at a connection with no secret as events.not_verifiable', () => {
    expect(() => openCardCallback(legacyPush(legacyBody()), { name: 'bare', encryptKey: undefined, verificationToken: undefined }, options)).toThrow(expect.objectContaining({ code: 'events.not_verifiable' }));
  });

  it.each([
    ['no open_id', { open_id: undefined }],
    ['no open_message_id', { open_message_id: undefined }],
    ['no tenant_key', { tenant_key: undefined }],
    ['no update token', { token: undefined }],
    ['no action', { action: undefined }],
    ['an array action', { action: [] }],
    ['a numeric open_chat_id', { open_chat_id: 1 }],
  ])('rejects a signed callback with %s as events.malformed_body', (_what, fields) => {
    expect(() => openCardCallback(legacyPush(legacyBody(fields)), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });

  it('rejects a signed callback whose timestamp is not epoch seconds', () => {
    expect(() => openCardCallback(legacyPush(legacyBody(), 'noon'), tokenOnly, options)).toThrow(expect.objectContaining({ code: 'events.malformed_body' }));
  });
});

describe('openCardCallback against the emulator\'s signing code', () => {
  const app: App = {
    appId: 'cli_emulated', appSecret: 'secret', type: 'self_built', name: 'Emulated', encryptKey: KEY, verificationToken: TOKEN,
    eventRequestUrl: undefined, cardRequestUrl: undefined, redirectUrls: [], subscribedEvents: new Set(), scopes: new Set(),
    eventMode: 'http', callbackMode: 'http', cardCallbackStyle: 'v2', installations: new Map(), appTicket: undefined,
  };

  it('opens the emulator\'s encrypted card.action.trigger', () => {
    const { body, headers: sent } = eventRequest(app, trigger(), NOW);

    expect(openCardCallback({ headers: sent, rawBody: Buffer.from(body) }, withBoth, options)).toMatchObject({ kind: 'card', style: 'v2', token: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d337bc7' });
  });

  it('opens the emulator\'s old-style callback', () => {
    const { body, headers: sent } = legacyCallbackRequest(app, legacyBody(), NOW);

    expect(openCardCallback({ headers: sent, rawBody: Buffer.from(body) }, withBoth, options)).toMatchObject({ kind: 'card', style: 'legacy', token: 'c-legacy-update-token', createdAt: NOW });
  });
});
