import { GatewayError } from '../errors/index.ts';
import { isJsonObject, type JsonObject } from './json-object.ts';
import { scanJsonStructure } from './scan-json-structure.ts';

/**
 * How deep a push may nest. Feishu's envelopes stay under ten levels (a card form value is five
 * deep); the bound keeps hostile bodies away from any recursive code downstream.
 */
export const MAX_JSON_DEPTH = 64;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a push (or its decrypted plaintext) as one JSON object. Bytes that are not UTF-8 or
 * text that is not JSON throw `unparsable` — `events.malformed_body` for a body,
 * `events.decrypt_failed` for a plaintext, where garbage means the wrong key. Valid JSON of the
 * wrong structure (not an object, nested past `MAX_JSON_DEPTH`, a repeated key) is always
 * `events.malformed_body`. Messages never quote the input: it may carry tokens or personal data.
 *
 * @example
 * parseJsonObject(request.rawBody, 'events.malformed_body') // { schema: '2.0', header: {…}, event: {…} }
 */
export function parseJsonObject(input: Uint8Array | string, unparsable: 'events.malformed_body' | 'events.decrypt_failed'): JsonObject {
  const what = unparsable === 'events.malformed_body' ? 'Push body' : 'Decrypted push';
  let text: string;
  try {
    text = typeof input === 'string' ? input : strictUtf8.decode(input);
  } catch (error) {
    throw new GatewayError(unparsable, `${what} is not valid UTF-8.`, { cause: error });
  }
  // Scanned before parsing so that a deeply nested body is turned away without building it.
  const structure = scanJsonStructure(text, MAX_JSON_DEPTH);
  if (structure === 'too_deep') throw new GatewayError('events.malformed_body', `${what} nests deeper than ${MAX_JSON_DEPTH} levels.`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new GatewayError(unparsable, `${what} is not valid JSON.`, { cause: error });
  }
  if (structure === 'duplicate_key') throw new GatewayError('events.malformed_body', `${what} repeats a key in one object.`);
  if (!isJsonObject(document)) throw new GatewayError('events.malformed_body', `${what} is not a JSON object.`);
  return document;
}
