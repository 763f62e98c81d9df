/**
 * The value as an identifier — a non-empty string of at most `maxLength` characters — or
 * undefined. Feishu's ids are a few dozen characters; the bound keeps an oversized value from a
 * hostile body out of database keys and indexes downstream.
 *
 * @example
 * asIdentifier(header['event_id']) // '5e3702a84e847582be8db7fb73283c02'
 * asIdentifier('')                 // undefined
 */
export function asIdentifier(value: unknown, maxLength = 256): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}
