import type { Context } from 'hono';
import type { z } from 'zod';
import { GatewayError } from '../errors/index.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the raw request body once, as the exact bytes received. Routes that check signatures
 * must hash these bytes, never a re-serialised parse of them.
 */
export async function readRawBody(c: Context): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * Parses the body as strict UTF-8 JSON and validates it against `schema`.
 * Invalid bytes or syntax ⇒ 400 `http.malformed_body`; a wrong shape ⇒ 400 `http.invalid_body`.
 */
export async function readJsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.output<Schema>> {
  return parseJsonBody(await readRawBody(c), schema);
}

/** The parsing half of `readJsonBody`, for routes that already hold the raw bytes. */
export function parseJsonBody<Schema extends z.ZodType>(raw: Uint8Array, schema: Schema): z.output<Schema> {
  let document: unknown;
  try {
    document = JSON.parse(strictUtf8.decode(raw));
  } catch (error) {
    throw new GatewayError('http.malformed_body', 'Request body must be valid UTF-8 JSON.', { cause: error });
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    throw new GatewayError('http.invalid_body', `Invalid request body at ${where}: ${issue?.message ?? 'unexpected shape'}.`);
  }
  return parsed.data;
}
