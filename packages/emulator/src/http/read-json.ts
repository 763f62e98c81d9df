import type { Context } from 'hono';
import { commonErrors } from '../errors/common-errors.ts';

/** A request body read as a JSON object, or why it is not one (a blank body is `empty`). */
export type JsonRead = { readonly body: Record<string, unknown> } | { readonly problem: 'empty' | 'not-json' | 'not-object' };

/**
 * The JSON body of a request, or `{}` when there is none. Feishu's SDK sends `{}` even on GET,
 * with `Content-Type: application/json` and no charset; both are accepted. Malformed JSON is a
 * 400 with code 9499, as Feishu answers.
 */
export async function readJson(c: Context): Promise<Record<string, unknown>> {
  const read = await tryReadJson(c);
  if ('body' in read) return read.body;
  if (read.problem === 'empty') return {};
  throw commonErrors.badRequest(read.problem === 'not-json' ? 'Bad Request: body is not valid JSON' : 'Bad Request: body must be a JSON object');
}

/**
 * Reads the body as a JSON object without failing, for callers that answer a bad body their own
 * way (custom bots, the OAuth token endpoint) or only peek at it (the rate limiter). Hono caches
 * the body, so the route can still read it afterwards.
 *
 * @example
 * const read = await tryReadJson(c);
 * if ('problem' in read) return refuse(read.problem);
 */
export async function tryReadJson(c: Context): Promise<JsonRead> {
  const text = await c.req.text();
  if (text.trim() === '') return { problem: 'empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'not-json' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'not-object' };
  return { body: parsed as Record<string, unknown> };
}
