import { createHash } from 'node:crypto';

// RateLimiterPostgres keeps keys in a varchar(255) column, prefix included, and PostgreSQL text
// cannot hold NUL; Redis takes anything. Short printable keys stay readable for an operator
// looking at the table; anything else is replaced by its digest, which is as unique.
const MAX_READABLE_LENGTH = 180;
const printable = /^[\x20-\x7e]*$/;

/**
 * The form of a budget key stored by the rate governor: the key itself when it is short printable
 * ASCII, otherwise `#` and its SHA-256 in base64url (44 characters).
 *
 * @example
 * storeKey('cli_a1b2|tenant|im.v1.message.create') // the same string
 * storeKey('cli_a1b2|tenant|receiver|张三') // '#…'
 */
export function storeKey(key: string): string {
  if (key.length <= MAX_READABLE_LENGTH && printable.test(key) && !key.startsWith('#')) return key;
  return `#${createHash('sha256').update(key).digest('base64url')}`;
}
