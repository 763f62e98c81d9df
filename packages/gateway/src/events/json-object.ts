/** A parsed JSON object: what every Feishu envelope, and every part of one we read, must be. */
export type JsonObject = Record<string, unknown>;

/**
 * True for a plain JSON object, false for arrays, `null` and primitives.
 *
 * @example
 * isJsonObject(JSON.parse('{"schema":"2.0"}')) // true
 * isJsonObject(JSON.parse('[1]'))              // false
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
