import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { createHttpApp } from './create-http-app.ts';
import { createMetrics } from './create-metrics.ts';
import type { ReadinessCheck } from './health-routes.ts';
import { readJsonBody, readRawBody } from './read-json-body.ts';
import { startHttpServer, type HttpServer } from './start-http-server.ts';

const echoSchema = z.object({ name: z.string() });

async function serve(options: { readinessChecks?: ReadinessCheck[]; headersTimeoutMs?: number } = {}) {
  const log = createTestLogger();
  const app = createHttpApp({
    logger: log.logger,
    metrics: createMetrics(),
    bodyLimitBytes: 1024,
    readinessChecks: options.readinessChecks ?? [],
    routes: [
      (routes) => {
        routes.post('/echo', async (c) => c.json(await readJsonBody(c, echoSchema)));
        routes.post('/raw', async (c) => c.json({ bytes: (await readRawBody(c)).length }));
        routes.get('/boom', () => {
          throw new Error('database password is hunter2 at 10.0.0.5');
        });
        routes.get('/unavailable', () => {
          throw new GatewayError('db.unreachable', 'cannot reach PostgreSQL at 10.0.0.5:5432');
        });
      },
    ],
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', headersTimeoutMs: options.headersTimeoutMs ?? 10_000, requestTimeoutMs: 30_000 });
  return { server, log, url: `http://127.0.0.1:${server.port}` };
}

describe('HTTP application', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close(100);
    server = undefined;
  });

  it('answers a body over the limit with 413 http.body_too_large, with or without Content-Length', async () => {
    const started = await serve();
    server = started.server;
    const big = JSON.stringify({ name: 'x'.repeat(2_000) });
    const declared = await fetch(`${started.url}/echo`, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: 'http.body_too_large', message: 'Request body exceeds 1024 bytes.' } });

    const streamed = await fetch(`${started.url}/raw`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode('y'.repeat(600)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: 'http.body_too_large' } });
  });

  it('passes the exact received bytes to routes that ask for the raw body', async () => {
    const started = await serve();
    server = started.server;
    const response = await fetch(`${started.url}/raw`, { method: 'POST', body: new Uint8Array([0xff, 0x00, 0x7b, 0x0a]) });
    expect(await response.json()).toEqual({ bytes: 4 });
  });

  it('answers malformed JSON, invalid UTF-8 and a wrong shape with 400 and distinct codes', async () => {
    const started = await serve();
    server = started.server;
    const post = async (body: string | Uint8Array) => await fetch(`${started.url}/echo`, { method: 'POST', body });

    const syntax = await post('{"name": ');
    expect(syntax.status).toBe(400);
    expect(await syntax.json()).toMatchObject({ error: { code: 'http.malformed_body' } });

    const badUtf8 = await post(new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(badUtf8.status).toBe(400);
    expect(await badUtf8.json()).toMatchObject({ error: { code: 'http.malformed_body' } });

    const shape = await post('{"name": 42}');
    expect(shape.status).toBe(400);
    expect(await shape.json()).toMatchObject({ error: { code: 'http.invalid_body', message: expect.stringContaining('name') as unknown } });

    const fine = await post('{"name": "ok"}');
    expect(await fine.json()).toEqual({ name: 'ok' });
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const started = await serve();
    server = started.server;
    const response = await fetch(`${started.url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'http.not_found', message: 'No route for GET /no/such/route.' } });
  });

  it('hides unexpected errors behind a generic 500 and logs them once under the request id', async () => {
    const started = await serve();
    server = started.server;
    const response = await fetch(`${started.url}/boom`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal.unexpected' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');

    const failures = started.log.lines.filter((line) => line.includes('request failed')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reqId: 'req-abc-123', err: { message: expect.stringContaining('hunter2') as unknown } });
  });

  it('does not reveal the message of a 5xx gateway error to the client', async () => {
    const started = await serve();
    server = started.server;
    const response = await fetch(`${started.url}/unavailable`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('db.unreachable');
    expect(body.error.message).not.toContain('10.0.0.5');
  });

  it('gives every response a request id', async () => {
    const started = await serve();
    server = started.server;
    const response = await fetch(`${started.url}/healthz`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness per check: 200 when all pass, 503 naming the failing one', async () => {
    let databaseUp = true;
    const started = await serve({
      readinessChecks: [
        {
          name: 'database',
          check: async () => {
            if (!databaseUp) throw new GatewayError('db.unreachable', 'database did not answer within 2000 ms');
          },
        },
        { name: 'jobs', check: async () => {} },
      ],
    });
    server = started.server;
    const ready = await fetch(`${started.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, jobs: { ok: true } } });

    databaseUp = false;
    const notReady = await fetch(`${started.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not_ready',
      checks: { database: { ok: false, reason: 'database did not answer within 2000 ms' }, jobs: { ok: true } },
    });
    expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
  });

  it('exposes default metrics and a request-duration histogram labelled by route pattern', async () => {
    const started = await serve();
    server = started.server;
    await fetch(`${started.url}/healthz`);
    await fetch(`${started.url}/not-a-route-123`);
    const metrics = await (await fetch(`${started.url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
    expect(metrics).not.toContain('not-a-route-123');
  });

  it('closes a connection whose headers do not arrive within the headers timeout', async () => {
    const started = await serve({ headersTimeoutMs: 1_000 });
    server = started.server;
    const socket = connect(started.server.port, '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const received = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});
