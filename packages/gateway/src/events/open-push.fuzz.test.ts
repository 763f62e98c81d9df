import { describe, expect, it } from 'vitest';
import { encryptForFeishu, signatureHeaders } from '../../test/support/feishu-push.ts';
import { mulberry32 } from '../../test/support/mulberry32.ts';
import { isGatewayError } from '../errors/index.ts';
import { openCardCallback } from './open-card-callback.ts';
import { openPush } from './open-push.ts';
import type { PushConnection, PushRequest } from './push-request.ts';

// 10,000 hostile requests through both entry points: each must either open or be refused with a
// 4xx GatewayError — never another error type (a crash in the route) and never a 5xx. The PRNG is
// seeded, so a failure names an iteration that reproduces.

const SEED = 0x6f1e_2024;
const RUNS = 10_000;
const KEY = 'fuzz-encrypt-key';
const TOKEN = 'fuzz-verification-token';
const NOW = 1_700_000_000_000;
const options = { now: NOW, maxAgeMs: 86_400_000 };
const connections: PushConnection[] = [
  { name: 'both', encryptKey: KEY, verificationToken: TOKEN },
  { name: 'key-only', encryptKey: KEY, verificationToken: undefined },
  { name: 'token-only', encryptKey: undefined, verificationToken: TOKEN },
];

type Random = {
  below(n: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
  chance(p: number): boolean;
};

function randomFrom(next: () => number): Random {
  return {
    below: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
    chance: (p) => next() < p,
  };
}

/** Encrypts with an IV from the seeded PRNG, so that a run reproduces. */
function encrypt(random: Random, plaintext: Buffer | string, options: { key?: string; padding?: boolean } = {}): string {
  const iv = random.bytes(16);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext;
  // Without auto padding the input must fill whole blocks; pad with junk so the padding is wrong.
  const input = options.padding === false ? Buffer.concat([data, Buffer.alloc((16 - (data.length % 16)) % 16, 0x41)]) : data;
  return encryptForFeishu(options.key ?? KEY, input, { iv, padding: options.padding ?? true });
}

/** Signs `body` with a seeded nonce and a seeded timestamp up to 100,000 s back. */
function seededSignatureHeaders(random: Random, body: Buffer, secret: string, algorithm: 'sha256' | 'sha1'): Record<string, string> {
  const timestamp = String(Math.floor(NOW / 1000) - random.below(100_000));
  const nonce = random.bytes(6).toString('hex');
  return signatureHeaders(secret, body, { timestamp, nonce, algorithm });
}

const scalars: readonly unknown[] = [null, true, 0, -1, 1e308, '', 'x', '2.0', '1.0', 'url_verification', 'event_callback', 'card.action.trigger', TOKEN, '1700000000000', '1700000000000000', '1700000000.5', [], {}, [1, [2]]];
const keys = ['schema', 'header', 'event', 'uuid', 'ts', 'type', 'token', 'challenge', 'encrypt', 'event_id', 'event_type', 'create_time', 'app_id', 'tenant_key', 'operator', 'context', 'action', 'open_id', 'open_message_id', '__proto__', 'constructor'];

/** A random JSON value biased towards Feishu's field names, so the envelope readers get exercised. */
function randomValue(random: Random, depth: number): unknown {
  if (depth > 3 || random.chance(0.4)) return random.pick(scalars);
  if (random.chance(0.2)) return Array.from({ length: random.below(4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let count = random.below(6); count > 0; count -= 1) object[random.pick(keys)] = randomValue(random, depth + 1);
  return object;
}

/** A well-formed envelope with one field replaced, removed or retyped. */
function mutatedEnvelope(random: Random): Record<string, unknown> {
  const header = { event_id: 'e1', event_type: random.pick(['im.message.receive_v1', 'card.action.trigger']), create_time: '1700000000000', token: random.chance(0.7) ? TOKEN : 'wrong', app_id: 'cli_1', tenant_key: 't1' };
  const event = { operator: { open_id: 'ou_1', tenant_key: 't1' }, token: 'c-1', action: { tag: 'button', value: {} }, context: { open_message_id: 'om_1' }, type: 'message' };
  const envelopes: Record<string, unknown>[] = [
    { schema: '2.0', header, event },
    { ts: '1700000000.1', uuid: 'u1', token: TOKEN, type: 'event_callback', event },
    { challenge: 'c1', token: TOKEN, type: 'url_verification' },
    { open_id: 'ou_1', open_message_id: 'om_1', tenant_key: 't1', token: 'c-1', action: { tag: 'button' } },
  ];
  const envelope = structuredClone(random.pick(envelopes));
  const target = random.chance(0.5) && typeof envelope['header'] === 'object' ? (envelope['header'] as Record<string, unknown>) : envelope;
  const key = random.pick([...Object.keys(target), random.pick(keys)]);
  if (random.chance(0.3)) delete target[key];
  else target[key] = randomValue(random, 2);
  return envelope;
}

/** One hostile body, as bytes. */
function hostileBody(random: Random): Buffer {
  switch (random.below(14)) {
    case 0: return random.bytes(random.below(300));
    case 1: {
      const valid = JSON.stringify(mutatedEnvelope(random));
      return Buffer.from(valid.slice(0, random.below(valid.length)));
    }
    case 2: return Buffer.from(JSON.stringify(randomValue(random, 0)));
    case 3: return Buffer.from(JSON.stringify({ encrypt: random.pick(['', '=', 'abc', '!!!!', 'AAAA====', 'P37w+VZI mNgP', random.bytes(30).toString('base64url')]) }));
    case 4: return Buffer.from(JSON.stringify({ encrypt: Buffer.from(encrypt(random, JSON.stringify(mutatedEnvelope(random))), 'base64').subarray(0, 16 + random.below(40)).toString('base64') }));
    case 5: return Buffer.from(JSON.stringify({ encrypt: encrypt(random, random.bytes(random.below(64)), { padding: false }) }));
    case 6: return Buffer.from(JSON.stringify({ encrypt: encrypt(random, JSON.stringify(mutatedEnvelope(random)), { key: 'other key' }) }));
    case 7: return Buffer.from(JSON.stringify({ encrypt: encrypt(random, random.pick([random.bytes(40), '[1]', 'null', '{"a":1,"a":2}', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, JSON.stringify(randomValue(random, 0))])) }));
    case 8: return Buffer.from(JSON.stringify({ encrypt: encrypt(random, JSON.stringify(mutatedEnvelope(random))) }));
    case 9: return Buffer.from(JSON.stringify(mutatedEnvelope(random)));
    case 10: {
      // Deep nesting, at the top or inside an otherwise valid envelope. Built rarely: each is 200 kB.
      const deep = random.chance(0.05) ? 100_000 : 70 + random.below(2_000);
      const nested = `${'['.repeat(deep)}${']'.repeat(random.chance(0.5) ? deep : random.below(deep))}`;
      return Buffer.from(random.chance(0.5) ? nested : `{"schema":"2.0","header":${nested},"event":{}}`);
    }
    case 11: {
      // Huge strings, now and then; the scan and the parse must stay linear.
      const size = random.chance(0.05) ? 2_000_000 : random.below(20_000);
      return Buffer.from(JSON.stringify({ challenge: 'x'.repeat(size), token: TOKEN, type: 'url_verification', encrypt: random.chance(0.5) ? 'A'.repeat(size) : undefined }));
    }
    case 12: {
      const valid = Buffer.from(JSON.stringify(mutatedEnvelope(random)));
      valid[random.below(valid.length)] = random.below(256);
      return valid;
    }
    default: return Buffer.from(`{"a":1,"b":"${random.pick(['\\u0061', '\\ud800', '\\', '\\"', '\u0000'])}","a":${random.pick(['1', '{}', '['])}}`);
  }
}

/** Headers for `body`: none, some, junk, or a valid signature so the body reaches the parsers. */
function hostileHeaders(random: Random, body: Buffer): Record<string, string | undefined> {
  const choice = random.below(6);
  if (choice === 0) return {};
  const signed = seededSignatureHeaders(random, body, random.chance(0.5) ? KEY : TOKEN, random.chance(0.5) ? 'sha256' : 'sha1');
  if (choice <= 2) return signed;
  if (choice === 3) return { ...signed, [random.pick(Object.keys(signed))]: random.pick([undefined, '', ' ', 'zz'.repeat(32), 'A'.repeat(10_000)]) };
  if (choice === 4) return { 'x-lark-request-timestamp': 'x', 'x-lark-request-nonce': '\u0000', 'x-lark-signature': random.bytes(32).toString('hex') };
  const tampered = Buffer.from(body);
  if (tampered.length > 0) {
    const at = random.below(tampered.length);
    tampered.writeUInt8(tampered.readUInt8(at) ^ 1, at);
  }
  return seededSignatureHeaders(random, tampered, KEY, 'sha256');
}

describe('openPush and openCardCallback under fuzzing', () => {
  it(`open or refuse with a 4xx GatewayError on ${RUNS} hostile requests (seed ${SEED})`, () => {
    const random = randomFrom(mulberry32(SEED));
    const outcomes = new Map<string, number>();
    for (let run = 0; run < RUNS; run += 1) {
      const rawBody = hostileBody(random);
      const request: PushRequest = { headers: hostileHeaders(random, rawBody), rawBody };
      const connection = random.pick(connections);
      for (const open of [openPush, openCardCallback]) {
        let outcome: string;
        try {
          outcome = open(request, connection, options).kind;
        } catch (error) {
          if (!isGatewayError(error) || error.status < 400 || error.status > 499) {
            throw new Error(`run ${run} (${open.name}, connection ${connection.name}) threw ${String(error)}`, { cause: error });
          }
          outcome = error.code;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
    // The fuzzer must reach every kind of refusal and some acceptances, or it proves little.
    expect([...outcomes.keys()].sort()).toEqual([
      'card', 'challenge', 'event',
      'events.decrypt_failed', 'events.malformed_body', 'events.signature_invalid', 'events.signature_missing', 'events.token_invalid',
    ]);
  });
});
