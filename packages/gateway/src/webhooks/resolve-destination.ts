import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { GatewayError } from '../errors/index.ts';
import { isAllowedAddress, normalizeAddress, type AllowedHosts } from './allowed-hosts.ts';
import { forbiddenRangeOf } from './forbidden-range-of.ts';

/** The address a delivery connects to: the one that was checked, so DNS is asked only once. */
export type Destination = { readonly address: string; readonly family: 4 | 6 };

/** Every address of a host name (as `dns.lookup(name, { all: true })`); injected in tests. */
export type LookupAddresses = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: LookupAddresses = async (hostname) => await dnsLookup(hostname, { all: true, order: 'verbatim' });

// Names that reach a cloud provider's instance metadata service, whatever DNS says.
const metadataNames = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

/**
 * The SSRF guard (issue 7, item 6; quality bar S-3): decides where a webhook URL may be sent, or
 * refuses with `webhooks.destination_forbidden`. A literal IP is checked as is; a host name is
 * resolved once, and every address it has must be an ordinary public one: a name that resolves
 * to both a public and a private address is refused, since the connection could reach either.
 * `localhost` and cloud metadata names are refused before DNS. Entries of
 * `WEBHOOKS_ALLOWED_HOSTS` let named hosts, addresses or ranges through.
 *
 * The caller connects to the returned address, not to the name, so that DNS cannot answer
 * differently between the check and the connection (DNS rebinding).
 *
 * @example
 * const { address, family } = await resolveDestination(new URL(url), { allowed, lookup: systemLookup });
 */
export async function resolveDestination(url: URL, options: { allowed: AllowedHosts; lookup: LookupAddresses }): Promise<Destination> {
  // WHATWG URL parsing already turned 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1,
  // and wraps IPv6 literals in brackets.
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (ipaddr.isValid(host)) return checkAddress(host, host, options.allowed);

  const nameAllowed = options.allowed.names.has(host);
  if (!nameAllowed && (host === 'localhost' || host.endsWith('.localhost') || metadataNames.has(host))) {
    throw new GatewayError('webhooks.destination_forbidden', `The host "${host}" is a local or metadata name; list it in WEBHOOKS_ALLOWED_HOSTS to allow it.`, {
      details: { host, reason: 'name' },
    });
  }
  let addresses: readonly { address: string; family: number }[];
  try {
    addresses = await options.lookup(host);
  } catch (error) {
    throw new GatewayError('webhooks.destination_unresolvable', `The host "${host}" does not resolve (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'}).`, {
      cause: error,
      details: { host },
    });
  }
  if (addresses.length === 0) throw new GatewayError('webhooks.destination_unresolvable', `The host "${host}" has no address.`, { details: { host } });
  const checked = addresses.map(({ address }) => (nameAllowed ? toDestination(address) : checkAddress(host, address, options.allowed)));
  // Non-empty: addresses has an element and each one either passed or threw.
  return checked[0] as Destination;
}

function checkAddress(host: string, address: string, allowed: AllowedHosts): Destination {
  const range = forbiddenRangeOf(address);
  if (range !== undefined && !(ipaddr.isValid(address) && isAllowedAddress(allowed, normalizeAddress(ipaddr.parse(address))))) {
    const where = host === address ? `The address ${host}` : `The host "${host}" resolves to an address that`;
    throw new GatewayError('webhooks.destination_forbidden', `${where} is in a ${range} range, which webhooks may not call; list it in WEBHOOKS_ALLOWED_HOSTS to allow it.`, {
      details: { host, address, range },
    });
  }
  return toDestination(address);
}

function toDestination(address: string): Destination {
  return { address, family: address.includes(':') ? 6 : 4 };
}
