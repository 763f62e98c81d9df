import type { z } from 'zod';
import { GatewayError } from '../errors/index.ts';

/**
 * Validates query (or path) parameters against the route's schema: 400 `http.invalid_query`
 * naming the first unknown parameter or bad value, as the events API answers.
 */
export function parseQuery<Schema extends z.ZodType>(schema: Schema, values: Record<string, string>): z.output<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  if (issue?.code === 'unrecognized_keys') throw new GatewayError('http.invalid_query', `Unknown query parameter ${issue.keys.join(', ')}.`);
  const where = issue === undefined || issue.path.length === 0 ? 'query' : issue.path.join('.');
  throw new GatewayError('http.invalid_query', `Invalid query parameter ${where}: ${issue?.message ?? 'unexpected value'}.`);
}
