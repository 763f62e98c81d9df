/** What `scanJsonStructure` found: nothing wrong, nesting past the limit, or a repeated key. */
export type JsonStructure = 'ok' | 'too_deep' | 'duplicate_key';

/**
 * Checks JSON text for the two things `JSON.parse` accepts but a push must not contain:
 * nesting deeper than `maxDepth` (so that no recursive code downstream — redaction, storage,
 * `JSON.stringify` — can be made to overflow its stack) and an object that repeats a key (where
 * parsers disagree on which value wins, so two readers of the same signed bytes could see
 * different events). Feishu sends neither.
 *
 * The scan is one iterative pass with an explicit stack that never grows past `maxDepth + 1`, so
 * it is linear in the text and safe on hostile input. Keys are compared after unescaping, so
 * `"a"` and `"\u0061"` count as the same key. The text need not be valid JSON; the caller still
 * parses it, and the answer for invalid text only has to be safe, not meaningful.
 *
 * @example
 * scanJsonStructure('{"a":1,"a":2}', 64)   // 'duplicate_key'
 * scanJsonStructure('[[[]]]', 2)           // 'too_deep'
 */
export function scanJsonStructure(text: string, maxDepth: number): JsonStructure {
  // One entry per open container: the keys seen so far for an object, undefined for an array.
  const open: (Set<string> | undefined)[] = [];
  let expectingKey = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      const end = closingQuote(text, at);
      if (end === -1) return 'ok';
      const keys = open.at(-1);
      if (keys !== undefined && expectingKey) {
        const key = keyOf(text.slice(at, end + 1));
        if (key === undefined) return 'ok';
        if (keys.has(key)) return 'duplicate_key';
        keys.add(key);
        expectingKey = false;
      }
      at = end;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (open.length >= maxDepth) return 'too_deep';
      open.push(char === OPEN_BRACE ? new Set() : undefined);
      expectingKey = char === OPEN_BRACE;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      open.pop();
      expectingKey = false;
    } else if (char === COMMA) {
      expectingKey = open.at(-1) !== undefined;
    }
  }
  return 'ok';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index of the quote that ends the string opening at `start`, or -1 when it never ends. */
function closingQuote(text: string, start: number): number {
  let candidate = text.indexOf('"', start + 1);
  while (candidate !== -1) {
    // A quote preceded by an odd run of backslashes is escaped, not the end of the string.
    let backslashes = 0;
    while (text.charCodeAt(candidate - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return candidate;
    candidate = text.indexOf('"', candidate + 1);
  }
  return -1;
}

/** The key a quoted JSON string stands for, or undefined when its escapes are invalid. */
function keyOf(quoted: string): string | undefined {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // Invalid escapes make the whole text invalid JSON, which the caller's parse reports.
    return undefined;
  }
}
