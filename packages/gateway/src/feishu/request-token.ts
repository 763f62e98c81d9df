import { GatewayError } from '../errors/index.ts';

/** What a token endpoint answered: its HTTP status, its top-level JSON and Feishu's log id. */
export type TokenResponse = { readonly httpStatus: number; readonly body: Readonly<Record<string, unknown>>; readonly logId: string | undefined };

export type TokenRequest = {
  readonly fetch: typeof fetch;
  readonly baseUrl: string;
  /** e.g. `/open-apis/auth/v3/tenant_access_token/internal`. */
  readonly path: string;
  readonly body: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** For errors: names the connection, never its credentials. */
  readonly connection: string;
};

/**
 * POSTs to an auth v3 endpoint with plain `fetch` (token requests must not wait behind the rate
 * governor, which itself needs tokens) and returns whatever JSON came back. Only transport
 * failures throw here, as a retryable `feishu.token_unavailable`; reading the `code` is the
 * caller's job.
 *
 * @example
 * const answer = await requestToken({ fetch, baseUrl, path: '/open-apis/auth/v3/app_ticket/resend', body: { app_id, app_secret }, timeoutMs: 5_000, connection: 'default' });
 */
export async function requestToken(request: TokenRequest): Promise<TokenResponse> {
  const where = `POST ${request.path} for connection "${request.connection}"`;
  const unavailable = (message: string, cause: unknown, extra: Record<string, unknown> = {}) =>
    new GatewayError('feishu.token_unavailable', message, { cause, details: { connection: request.connection, retryable: true, ...extra } });
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(`${request.baseUrl}${request.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(request.body),
      // The body carries the App Secret: it must not follow a redirect to another host.
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw unavailable(timedOut ? `Feishu did not answer ${where} within ${request.timeoutMs} ms` : `Feishu could not be reached (${where})`, error);
  }
  const logId = response.headers.get('x-tt-logid') ?? undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unavailable(`Feishu answered ${where} with HTTP ${response.status} and no JSON body`, undefined, { httpStatus: response.status, logId });
  }
  return { httpStatus: response.status, body: body as Record<string, unknown>, logId };
}
