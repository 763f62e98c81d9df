import { stdSerializers } from 'pino';

export const REDACTED = '[redacted]';

// Keys whose values are secrets or personal data, compared after lower-casing and dropping
// `_` and `-` (so `app_secret`, `appSecret` and `App-Secret` all match).
const sensitiveKeys = new Set([
  'authorization', 'cookie', 'setcookie', 'apikey', 'xapikey', 'encrypt', 'encryptkey', 'privatekey',
  'code_verifier', 'codeverifier', 'email', 'emails', 'enterpriseemail', 'mobile', 'mobiles', 'phone',
  'content', 'challenge', 'sealed', 'ciphertext',
].map(normaliseKey));
const sensitiveSuffixes = ['token', 'secret', 'password', 'passwd', 'ticket', 'secretkey'];

// Personal data that can hide inside free text (error messages, upstream responses).
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const mobilePattern = /(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|\+\d{7,15}(?!\d)/g;

const maxDepth = 10;

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** True when a property with this name must never be logged in clear. */
export function isSensitiveKey(key: string): boolean {
  const normalised = normaliseKey(key);
  return sensitiveKeys.has(normalised) || sensitiveSuffixes.some((suffix) => normalised.endsWith(suffix));
}

/** Replaces email addresses and mobile numbers inside free text. */
export function scrubText(text: string): string {
  return text.replace(emailPattern, '[email]').replace(mobilePattern, '[mobile]');
}

/**
 * Returns a copy of `value` that is safe to log: sensitive keys at any depth are replaced,
 * strings are scrubbed of emails and mobiles, and errors become plain objects (with their
 * `cause` chain) that go through the same rules.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= maxDepth) return '[too deep]';
  // `seen` holds the ancestors of this value only, so an object referenced twice side by side is
  // logged twice, and only a real cycle is cut. The depth limit bounds the work either way.
  seen.add(value);
  try {
    return redactObject(value, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactObject(value: object, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) return redactValue({ ...stdSerializers.err(value) }, depth + 1, seen);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = isSensitiveKey(key) && child !== undefined && child !== null ? REDACTED : redactValue(child, depth + 1, seen);
  }
  return copy;
}
