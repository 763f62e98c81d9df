/**
 * A mobile number as the directory stores it: spaces and dashes removed, and `+86` added to a
 * bare mainland number (one given without a `+` country code).
 *
 * @example
 * normaliseMobile('138-0013 8000'); // '+8613800138000'
 */
export function normaliseMobile(mobile: string): string {
  const compact = mobile.replace(/[\s-]/g, '');
  return compact.startsWith('+') ? compact : `+86${compact}`;
}
