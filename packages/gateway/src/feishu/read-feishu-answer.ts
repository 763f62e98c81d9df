import { Readable } from 'node:stream';

/** What one HTTP exchange with Feishu came to. */
export type FeishuAnswer =
  | { kind: 'ok'; body: unknown; headers: Record<string, string>; logId: string | undefined }
  | {
      kind: 'failure';
      status: number;
      code: number;
      msg: string;
      logId: string | undefined;
      resetSeconds: number | undefined;
      missingScopes: string[] | undefined;
      body: unknown;
      headers: Record<string, string>;
    }
  | { kind: 'network'; error: string };

/**
 * Reads Feishu's answer: success is `code == 0` (or a 2xx without a `code`, such as a download);
 * anything else is a failure carrying the code, message, log id (`x-tt-logid`, else the body's
 * `error.log_id`), the throttle's reset time and, for permission errors, the missing scopes —
 * whatever the HTTP status. A body that is not JSON is a failure with code -1.
 */
export async function readFeishuAnswer(response: Response, stream: boolean): Promise<FeishuAnswer> {
  const headers = Object.fromEntries(response.headers.entries());
  const headerLogId = headers['x-tt-logid'] ?? headers['x-request-id'];
  const isJson = (headers['content-type'] ?? '').includes('json');
  if (stream && response.ok && !isJson && response.body !== null) {
    return { kind: 'ok', body: Readable.fromWeb(response.body), headers, logId: headerLogId };
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return failure(response.status, -1, `HTTP ${response.status} with a body that is not JSON`, headerLogId, headers, text);
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof record['code'] === 'number' ? record['code'] : undefined;
  if (code === 0 || (code === undefined && response.ok)) return { kind: 'ok', body, headers, logId: headerLogId };
  const error = typeof record['error'] === 'object' && record['error'] !== null ? (record['error'] as Record<string, unknown>) : {};
  const logId = headerLogId ?? (typeof error['log_id'] === 'string' ? error['log_id'] : undefined);
  const msg = typeof record['msg'] === 'string' ? record['msg'] : typeof record['error_description'] === 'string' ? record['error_description'] : `HTTP ${response.status}`;
  const answer = failure(response.status, code ?? -1, msg, logId, headers, body);
  return { ...answer, missingScopes: missingScopesOf(error) };
}

function failure(status: number, code: number, msg: string, logId: string | undefined, headers: Record<string, string>, body: unknown): Extract<FeishuAnswer, { kind: 'failure' }> {
  const reset = Number(headers['x-ogw-ratelimit-reset']);
  return { kind: 'failure', status, code, msg, logId, resetSeconds: Number.isFinite(reset) && reset >= 0 ? reset : undefined, missingScopes: undefined, body, headers };
}

/** `error.permission_violations[].subject` (or `.scope`), as 99991672 / 99991679 carry them. */
function missingScopesOf(error: Record<string, unknown>): string[] | undefined {
  const violations = error['permission_violations'];
  if (!Array.isArray(violations)) return undefined;
  const scopes = violations.flatMap((item: unknown) => {
    const violation = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const scope = violation['subject'] ?? violation['scope'];
    return typeof scope === 'string' ? [scope] : [];
  });
  return scopes.length === 0 ? undefined : scopes;
}
