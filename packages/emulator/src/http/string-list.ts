/**
 * A request field that must be a list of strings: `[]` when absent, else fails with
 * `fail("<name> must be a list of strings")` or, past `max` items, `fail("<name>: at most <max>")`.
 * Each API passes its own error factory, so each keeps its own code.
 *
 * @example
 * const emails = stringList(body['emails'], 'emails', paramError, 50);
 */
export function stringList(value: unknown, name: string, fail: (message: string) => Error, max = Number.POSITIVE_INFINITY): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw fail(`${name} must be a list of strings`);
  if (value.length > max) throw fail(`${name}: at most ${max}`);
  return value as string[];
}
