import type { Context } from 'hono';
import { z } from 'zod';
import { GatewayError } from '../errors/index.ts';

/**
 * Validates the request's query parameters against the route's schema (strict objects refuse
 * unknown ones): 400 `http.invalid_query` naming the first unknown parameter or bad value.
 */
export function readQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.output<Schema> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  if (issue?.code === 'unrecognized_keys') throw new GatewayError('http.invalid_query', `Unknown query parameter ${issue.keys.join(', ')}.`);
  const where = issue === undefined || issue.path.length === 0 ? 'query' : issue.path.join('.');
  throw new GatewayError('http.invalid_query', `Invalid query parameter ${where}: ${issue?.message ?? 'unexpected value'}.`);
}

/**
 * A whole number in a query string, strictly digits (no `1e2`, `0x10` or spaces), from `min` to
 * `max`; anything else fails with "must be a whole number from `min` to `max`".
 */
export function queryInteger(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return (
    z
      .string()
      .regex(/^\d{1,6}$/, { error })
      .transform(Number)
      .pipe(z.number().min(min, { error }).max(max, { error }))
      // The query string carries digits; clients and generators should see the integer they send
      // (an undefined key removes what zod derived from the string side).
      .meta({ type: 'integer', minimum: min, maximum: max, pattern: undefined })
  );
}
