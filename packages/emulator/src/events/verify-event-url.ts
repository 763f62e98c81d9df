import { randomUUID } from 'node:crypto';
import type { App } from '../state/types.ts';
import { encryptEvent } from './event-crypto.ts';
import { hasEncryptKey } from './event-request.ts';
import { postJson, type PostOptions, type PostResult } from './post-json.ts';

export type UrlVerification = { ok: boolean; detail: string; http_status: number | null; duration_ms: number };

/** Feishu gives the receiver one second to echo the challenge (platform doc §3.1). */
export const URL_VERIFICATION_TIMEOUT_MS = 1_000;

/**
 * The handshake Feishu runs when a request URL is saved: POST
 * `{"challenge","token","type":"url_verification"}` (as `{"encrypt"}` when the app has an Encrypt
 * Key; no signature headers, the docs exempt this request from signing) and expect HTTP 200 with
 * `{"challenge": <the same>}` within 1 s.
 */
export async function verifyEventUrl(app: App, agents: PostOptions['agents']): Promise<{ result: UrlVerification; url: string | undefined }> {
  const url = app.eventRequestUrl;
  if (url === undefined || url === '') return { url, result: { ok: false, detail: 'no event request URL set', http_status: null, duration_ms: 0 } };
  const challenge = randomUUID();
  const plaintext = JSON.stringify({ challenge, token: app.verificationToken, type: 'url_verification' });
  const body = hasEncryptKey(app) ? JSON.stringify({ encrypt: encryptEvent(app.encryptKey, plaintext) }) : plaintext;
  const answer = await postJson(url, body, { 'content-type': 'application/json; charset=utf-8' }, {
    timeoutMs: URL_VERIFICATION_TIMEOUT_MS,
    connectTimeoutMs: URL_VERIFICATION_TIMEOUT_MS,
    agents,
  });
  const problem = judge(answer, challenge);
  return { url, result: { ok: problem === undefined, detail: problem ?? 'challenge echoed', http_status: answer.status ?? null, duration_ms: answer.durationMs } };
}

/** Why the answer is not a valid handshake, or undefined when it is. */
function judge(answer: PostResult, challenge: string): string | undefined {
  if (answer.error !== undefined) return answer.error;
  if (answer.status !== 200) return `expected HTTP 200, got ${answer.status}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'the answer is not JSON';
  }
  const echoed = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['challenge'] : undefined;
  return echoed === challenge ? undefined : 'the answer does not echo the challenge';
}
