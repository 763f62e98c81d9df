import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Emulator } from '../src/index.ts';
import { control, memoryCache } from './support/sdk.ts';

// Receivers for the emulator's event pushes: the official SDK's EventDispatcher behind
// adaptDefault (the proof of fidelity), and a raw server for wire-level checks and misbehaviour.

export type Received = { type: string; data: Record<string, unknown> };
export type Receiver = { url: string; close(): Promise<void> };

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

function closer(server: http.Server): () => Promise<void> {
  return () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  };
}

/** The official SDK as the app's event receiver: it decrypts, checks the signature and dispatches. */
export async function sdkReceiver(options: { encryptKey: string | null; verificationToken: string; events: readonly string[] }) {
  const received: Received[] = [];
  const cache = memoryCache();
  const handlers = Object.fromEntries(
    options.events.map((type) => [
      type,
      async (data: Record<string, unknown>) => {
        received.push({ type, data });
        return 'ok';
      },
    ]),
  );
  const dispatcher = new lark.EventDispatcher({
    ...(options.encryptKey === null ? {} : { encryptKey: options.encryptKey }),
    verificationToken: options.verificationToken,
    // Not `fatal`: it is 0, and the SDK's `loggerLevel || info` turns it into info.
    loggerLevel: lark.LoggerLevel.error,
    cache,
  }).register(handlers);
  const handle = lark.adaptDefault('/events', dispatcher, { autoChallenge: true });
  return { received, cache, ...(await serve((request, response) => void handle(request, response))) };
}

export type RawRequest = { headers: http.IncomingHttpHeaders; body: string };
export type RawAnswer = { status?: number; body?: string; delayMs?: number };

/** A receiver that records every request and answers as `answer` says (default: 200, empty). */
export async function rawReceiver(answer: (request: RawRequest, index: number) => RawAnswer = () => ({})) {
  const requests: RawRequest[] = [];
  const served = await serve((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const recorded = { headers: request.headers, body };
      requests.push(recorded);
      const planned = answer(recorded, requests.length - 1);
      setTimeout(() => response.writeHead(planned.status ?? 200, { 'content-type': 'application/json' }).end(planned.body ?? ''), planned.delayMs ?? 0);
    });
  });
  return { requests, ...served };
}

/** Answers the url_verification handshake of an app without Encrypt Key, then behaves as `answer`. */
export function answeringChallenges(answer: (request: RawRequest, index: number) => RawAnswer) {
  let events = 0;
  return (request: RawRequest): RawAnswer => {
    const parsed = JSON.parse(request.body) as Record<string, unknown>;
    if (parsed['type'] === 'url_verification') return { body: JSON.stringify({ challenge: parsed['challenge'] }) };
    events += 1;
    return answer(request, events - 1);
  };
}

export async function serve(listener: http.RequestListener): Promise<Receiver> {
  const server = http.createServer(listener);
  return { url: await listen(server), close: closer(server) };
}

export type AppSettings = { app_id: string; app_secret: string; encrypt_key: string | null; verification_token: string };

/** Points an app at `url` for `events` (other settings may be given too) and returns the PATCH answer. */
export async function subscribe(emulator: Emulator, appId: string, url: string, events: readonly string[], extra: Record<string, unknown> = {}) {
  return control<AppSettings & { url_verification?: { ok: boolean; detail: string } }>(emulator, 'PATCH', `/_emulator/apps/${appId}`, {
    ...extra,
    event_request_url: url,
    subscribed_events: events,
  });
}

export type Delivery = {
  event_id: string;
  event_type: string;
  app_id: string;
  attempt: number;
  duplicate: boolean;
  status: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  time: number;
  next_attempt_at: number | null;
};

export async function deliveries(emulator: Emulator, query = ''): Promise<Delivery[]> {
  return (await control<{ items: Delivery[] }>(emulator, 'GET', `/_emulator/deliveries${query}`)).items;
}

/** Polls `probe` until it returns something other than undefined (or gives up after `timeoutMs`). */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until at least `count` attempts matching `query` are recorded, and returns them all. */
export function attemptsReach(emulator: Emulator, query: string, count: number, timeoutMs?: number): Promise<Delivery[]> {
  return eventually(async () => {
    const items = await deliveries(emulator, query);
    return items.length >= count ? items : undefined;
  }, timeoutMs);
}

export type HiredUser = { user_id: string; union_id: string; open_ids: Record<string, string>; name: string; email: string; department_ids: string[] };

export async function hire(emulator: Emulator, body: Record<string, unknown>): Promise<HiredUser> {
  return (await control<{ user: HiredUser }>(emulator, 'POST', '/_emulator/directory/users', body)).user;
}
