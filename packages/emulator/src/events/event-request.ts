import { randomBytes } from 'node:crypto';
import type { App } from '../state/types.ts';
import { encryptEvent, signRequest } from './event-crypto.ts';

export type EventRequest = { body: string; headers: Record<string, string> };

/** Whether the app has an Encrypt Key (an empty one counts as none, as in the console). */
export function hasEncryptKey(app: App): app is App & { encryptKey: string } {
  return app.encryptKey !== undefined && app.encryptKey !== '';
}

/**
 * The HTTP request Feishu sends for one push of `payload` (platform doc §3.2–3.3): compact
 * `JSON.stringify` output (the Node SDK re-serialises before checking the signature, so any
 * other spacing would fail there), `{"encrypt": …}` when the app has an Encrypt Key, and the
 * timestamp (seconds), nonce and — with a key — signature headers. Each attempt gets its own
 * nonce and timestamp; the payload (and so the event_id) stays the same.
 */
export function eventRequest(app: App, payload: Record<string, unknown>, nowMs: number): EventRequest {
  const plaintext = JSON.stringify(payload);
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(8).toString('hex');
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
  };
  if (!hasEncryptKey(app)) return { body: plaintext, headers };
  const body = JSON.stringify({ encrypt: encryptEvent(app.encryptKey, plaintext) });
  return { body, headers: { ...headers, 'x-lark-signature': signRequest(timestamp, nonce, app.encryptKey, body) } };
}

/** The v2 envelope of every event except app_ticket (platform doc §3.1). */
export function v2Envelope(app: App, meta: { eventId: string; eventType: string; createTime: number; tenantKey: string }, event: Record<string, unknown>): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: meta.eventId,
      event_type: meta.eventType,
      // The docs disagree between ms and µs here; the event pages say ms (§3.1).
      create_time: String(meta.createTime),
      token: app.verificationToken,
      app_id: app.appId,
      tenant_key: meta.tenantKey,
    },
    event,
  };
}

/** The v1 envelope the app_ticket event still uses (platform doc §1.1). */
export function appTicketEnvelope(app: App, ticket: string, meta: { uuid: string; nowMs: number }): Record<string, unknown> {
  return {
    ts: (meta.nowMs / 1000).toFixed(6),
    uuid: meta.uuid,
    token: app.verificationToken,
    type: 'event_callback',
    event: { app_id: app.appId, app_ticket: ticket, type: 'app_ticket' },
  };
}
