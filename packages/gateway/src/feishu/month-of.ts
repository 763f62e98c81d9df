// Feishu bills in China Standard Time (UTC+8, no daylight saving); its API quota month is taken to
// follow the same calendar.
const UTC_PLUS_8_MS = 8 * 3600 * 1000;

/**
 * The calendar month (UTC+8) of an instant, as `YYYY-MM`: the period of the monthly call quota.
 *
 * @example
 * monthOf(Date.parse('2025-01-31T16:00:00Z')) // '2025-02' (midnight in Beijing)
 */
export function monthOf(epochMs: number): string {
  return new Date(epochMs + UTC_PLUS_8_MS).toISOString().slice(0, 7);
}
