import type { Context } from 'hono';
import { errors } from './feishu-error.ts';

/**
 * The JSON body of a request, or `{}` when there is none. Feishu's SDK sends `{}` even on GET,
 * with `Content-Type: application/json` and no charset; both are accepted. Malformed JSON is a
 * 400 with code 9499, as Feishu answers.
 */
export async function readJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.badRequest('Bad Request: body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('Bad Request: body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** A string field of a parsed body, or undefined. */
export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}
