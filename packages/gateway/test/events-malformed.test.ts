import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.ts';
import { startGateway } from '../src/main.ts';
import { encryptForFeishu, signatureHeaders } from './support/feishu-push.ts';
import { mulberry32 } from './support/mulberry32.ts';
import { createTestLogger } from './support/test-logger.ts';

const ENCRYPT_KEY = 'malformed-test-key';
const TOKEN = 'malformed-test-token';

const encrypt = (plaintext: Buffer) => encryptForFeishu(ENCRYPT_KEY, plaintext);

/** One hostile request of the kind `index` selects: bodies, encodings and headers Feishu never sends. */
function hostile(index: number, random: () => number): { body: Buffer; headers: Record<string, string> } {
  const bytes = (length: number) => randomBytes(length);
  const kinds: (() => { body: Buffer; signed: boolean })[] = [
    () => ({ body: bytes(Math.floor(random() * 512)), signed: random() < 0.5 }),
    () => ({ body: Buffer.from(`{"encrypt": "${bytes(40).toString('base64').slice(0, Math.floor(random() * 50))}"`), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: `!!${bytes(30).toString('hex')}` })), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: encrypt(Buffer.from('{"schema":"2.0"}')).slice(0, 30) })), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: bytes(48).toString('base64') })), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: encrypt(bytes(64)) })), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: encrypt(Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)) })), signed: true }),
    () => ({ body: Buffer.from(`${'['.repeat(50_000)}${']'.repeat(50_000)}`), signed: random() < 0.5 }),
    () => ({ body: Buffer.from(JSON.stringify({ schema: '2.0', header: { event_id: 'x'.repeat(10_000), event_type: 1, token: TOKEN }, event: [] })), signed: true }),
    () => ({ body: Buffer.from(JSON.stringify({ encrypt: encrypt(Buffer.from(JSON.stringify({ type: 'url_verification', challenge: { nested: true }, token: TOKEN }))) })), signed: false }),
    () => ({ body: Buffer.from(''), signed: random() < 0.5 }),
    () => ({ body: bytes(1_100_000), signed: false }),
  ];
  const made = (kinds[index % kinds.length] as () => { body: Buffer; signed: boolean })();
  const headers: Record<string, string> = { 'content-type': random() < 0.8 ? 'application/json' : 'text/plain' };
  if (made.signed) Object.assign(headers, signatureHeaders(ENCRYPT_KEY, made.body));
  else if (random() < 0.3) headers['x-lark-signature'] = bytes(8).toString('hex');
  return { body: made.body, headers };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * POSTs and resolves with the status. An oversized body goes on its own connection: the server
 * answers 413 and closes it while the body is still being sent, which is the expected outcome.
 */
function post(url: string, request: { body: Buffer; headers: Record<string, string> }, oversized: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: 'POST', headers: { ...request.headers, 'content-length': String(request.body.length) }, agent: oversized ? false : keepAlive }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', (error) => (oversized ? resolve(413) : reject(error)));
    outgoing.end(request.body);
  });
}

describe('10,000 malformed requests at the event and card endpoints', () => {
  it('get a 4xx each: no 5xx, no crash, no unhandled rejection', async () => {
    const config = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-hostile-')), FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_APP_SECRET: 'secret', FEISHU_ENCRYPT_KEY: ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: TOKEN, FEISHU_DOMAIN: 'http://127.0.0.1:9' },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, createTestLogger({ level: 'fatal' }).logger);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      // Seeded, so that a failure can be replayed.
      const random = mulberry32(20261122);
      const statuses = new Map<number, number>();
      let next = 0;
      const worker = async () => {
        for (;;) {
          const index = next++;
          if (index >= 10_000) return;
          const request = hostile(index, random);
          const endpoint = index % 3 === 0 ? 'cards' : 'events';
          const status = await post(`${gateway.url}/feishu/default/${endpoint}`, request, request.body.length > config.http.bodyLimitBytes);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const fiveHundreds = [...statuses.entries()].filter(([status]) => status >= 500);
      expect(fiveHundreds).toEqual([]);
      expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(10_000);
      // Hostile input is refused in several ways, never accepted.
      expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
      expect(statuses.size).toBeGreaterThan(2);
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      expect(await gateway.database.kysely.selectFrom('event_inbox').select('id').execute()).toEqual([]);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await gateway.stop();
    }
  }, 180_000);
});
