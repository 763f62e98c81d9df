import ipaddr from 'ipaddr.js';

/** `WEBHOOKS_ALLOWED_HOSTS`, ready to match: host names, and address ranges (single addresses as /32 or /128). */
export type AllowedHosts = {
  readonly names: ReadonlySet<string>;
  readonly ranges: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[];
};

/**
 * Reads the allow-list entries (validated by the configuration schema): `hr.internal`,
 * `10.1.2.3`, `10.20.0.0/16`, `fd00::/8`. IPv4-mapped IPv6 entries are taken as their IPv4 form,
 * as addresses are before they are checked.
 */
export function parseAllowedHosts(entries: readonly string[]): AllowedHosts {
  const names = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (ipaddr.isValidCIDR(entry)) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      ranges.push(address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96 ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits]);
    } else if (ipaddr.isValid(entry) && (entry.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(entry))) {
      const address = normalizeAddress(ipaddr.parse(entry));
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      names.add(entry.replace(/\.$/, ''));
    }
  }
  return { names, ranges };
}

/** Whether an address (already normalised) lies in an allow-listed range. */
export function isAllowedAddress(allowed: AllowedHosts, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return allowed.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the IPv4 address it reaches. */
export function normalizeAddress(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}
