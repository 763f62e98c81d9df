import ipaddr from 'ipaddr.js';
import { normalizeAddress } from './allowed-hosts.ts';

// The IPv4-compatible block (::a.b.c.d, deprecated) and the rest of ::/8 that ipaddr.js does not
// name; reserved by RFC 4291 and never a legitimate webhook receiver.
const reservedIpv6 = ipaddr.IPv6.parseCIDR('::/8');

/**
 * The reason an address must not be called by an outbound webhook, or undefined when it is an
 * ordinary public unicast address. Everything ipaddr.js classifies as anything but `unicast` is
 * refused: loopback, private (RFC 1918), link-local (including the 169.254.169.254 cloud
 * metadata address), carrier-grade NAT, unique-local, unspecified, multicast, broadcast,
 * reserved and documentation ranges, and IPv6 forms that embed an IPv4 address (NAT64, 6to4,
 * Teredo), which could lead back to a private one. IPv4-mapped IPv6 addresses are judged as the
 * IPv4 address they reach.
 *
 * @example
 * forbiddenRangeOf('::ffff:10.0.0.1'); // 'private'
 * forbiddenRangeOf('93.184.215.14');   // undefined
 */
export function forbiddenRangeOf(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = normalizeAddress(ipaddr.parse(address));
  const range = parsed.range();
  if (range !== 'unicast') return range;
  if (parsed.kind() === 'ipv6' && parsed.match(reservedIpv6)) return 'reserved';
  return undefined;
}
