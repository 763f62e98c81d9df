import type http from 'node:http';
import type { Emulator } from '../src/index.ts';
import { eventually } from './support/eventually.ts';
import { control } from './support/sdk.ts';
import { serve } from './support/serve.ts';

// Wire-level helpers for the emulator's event pushes: a raw receiver that records every request
// and can misbehave, app subscription, and the delivery log. The SDK's own receiver is
// `support/sdk-receiver.ts`.

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

/**
 * Waits until at least `count` attempts matching `query` are recorded and none of them is still
 * on the wire (`sending`), and returns them all.
 */
export function attemptsReach(emulator: Emulator, query: string, count: number, timeoutMs?: number): Promise<Delivery[]> {
  return eventually(async () => {
    const items = await deliveries(emulator, query);
    return items.length >= count && items.every((item) => item.status !== 'sending') ? items : undefined;
  }, timeoutMs);
}

export type HiredUser = { user_id: string; union_id: string; open_ids: Record<string, string>; name: string; email: string; department_ids: string[] };

export async function hire(emulator: Emulator, body: Record<string, unknown>): Promise<HiredUser> {
  return (await control<{ user: HiredUser }>(emulator, 'POST', '/_emulator/directory/users', body)).user;
}
