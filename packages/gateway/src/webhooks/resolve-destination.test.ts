import { describe, expect, it } from 'vitest';
import { parseAllowedHosts } from './allowed-hosts.ts';
import { resolveDestination, systemLookup, type LookupAddresses } from './resolve-destination.ts';

const nothingAllowed = parseAllowedHosts([]);
// Literal addresses must never reach DNS.
const noLookup: LookupAddresses = async (hostname) => {
  throw new Error(`unexpected lookup of ${hostname}`);
};
const resolving =
  (table: Record<string, string[]>): LookupAddresses =>
  async (hostname) => {
    const addresses = table[hostname];
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('the webhook SSRF guard', () => {
  it.each([
    ['loopback', 'http://127.0.0.1/hook', 'loopback'],
    ['loopback, elsewhere in 127/8', 'http://127.8.9.10/hook', 'loopback'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['10/8', 'http://10.0.0.1/hook', 'private'],
    ['172.16/12', 'https://172.31.255.1/hook', 'private'],
    ['192.168/16', 'http://192.168.1.20:8080/hook', 'private'],
    ['carrier-grade NAT (and Alibaba Cloud metadata)', 'http://100.100.100.200/', 'carrierGradeNat'],
    ['the unspecified address', 'http://0.0.0.0/', 'unspecified'],
    ['multicast', 'http://224.0.0.1/', 'multicast'],
    ['broadcast', 'http://255.255.255.255/', 'broadcast'],
    ['IPv6 loopback', 'http://[::1]/hook', 'loopback'],
    ['IPv6 unspecified', 'http://[::]/hook', 'unspecified'],
    ['IPv6 link-local', 'http://[fe80::1]/hook', 'linkLocal'],
    ['IPv6 unique-local (AWS metadata over IPv6)', 'http://[fd00:ec2::254]/', 'uniqueLocal'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['IPv4-mapped private, in hex', 'http://[::ffff:a00:1]/hook', 'private'],
    ['IPv4-mapped metadata', 'http://[0:0:0:0:0:ffff:169.254.169.254]/', 'linkLocal'],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/', 'reserved'],
    ['NAT64 of a private address', 'http://[64:ff9b::a00:1]/', 'rfc6052'],
    ['6to4 of a private address', 'http://[2002:a00:1::]/', '6to4'],
    ['decimal loopback', 'http://2130706433/', 'loopback'],
    ['hex loopback', 'http://0x7f.0.0.1/', 'loopback'],
    ['octal loopback', 'http://0177.0.0.01/', 'loopback'],
    ['short-form private', 'http://10.1/', 'private'],
  ])('refuses %s (%s)', async (_case, url, range) => {
    await expect(resolveDestination(new URL(url), { allowed: nothingAllowed, lookup: noLookup })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden', details: { range } });
  });

  it('lets a public address through, as is', async () => {
    expect(await resolveDestination(new URL('https://93.184.215.14/hook'), { allowed: nothingAllowed, lookup: noLookup })).toEqual({ address: '93.184.215.14', family: 4 });
    expect(await resolveDestination(new URL('https://[2606:4700::1111]/hook'), { allowed: nothingAllowed, lookup: noLookup })).toEqual({ address: '2606:4700::1111', family: 6 });
  });

  it('refuses a host name that resolves to a private address, or to a private one among public ones', async () => {
    const lookup = resolving({ 'hr.example.com': ['10.20.30.40'], 'mixed.example.com': ['93.184.215.14', '192.168.0.7'], 'v6.example.com': ['2606:4700::1111', '::ffff:127.0.0.1'] });
    for (const host of ['hr.example.com', 'mixed.example.com', 'v6.example.com']) {
      await expect(resolveDestination(new URL(`https://${host}/hook`), { allowed: nothingAllowed, lookup })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden', details: { host } });
    }
  });

  it('refuses local and metadata names before any lookup, and lets an allow-listed localhost resolve', async () => {
    for (const name of ['localhost', 'api.localhost', 'metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'instance-data.ec2.internal']) {
      await expect(resolveDestination(new URL(`http://${name}/`), { allowed: nothingAllowed, lookup: noLookup })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden', details: { reason: 'name' } });
    }
    const local = await resolveDestination(new URL('http://localhost:8080/hook'), { allowed: parseAllowedHosts(['localhost']), lookup: systemLookup });
    expect(['127.0.0.1', '::1']).toContain(local.address);
  });

  it('connects to the first address of a public name, the one it checked', async () => {
    const lookup = resolving({ 'hooks.example.com': ['93.184.215.14', '2606:4700::1111'] });
    expect(await resolveDestination(new URL('https://hooks.example.com/x'), { allowed: nothingAllowed, lookup })).toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('answers webhooks.destination_unresolvable for a name without addresses', async () => {
    await expect(resolveDestination(new URL('https://nowhere.example.com/'), { allowed: nothingAllowed, lookup: resolving({}) })).rejects.toMatchObject({ code: 'webhooks.destination_unresolvable' });
    await expect(resolveDestination(new URL('https://empty.example.com/'), { allowed: nothingAllowed, lookup: resolving({ 'empty.example.com': [] }) })).rejects.toMatchObject({ code: 'webhooks.destination_unresolvable' });
  });

  it('lets allow-listed host names, addresses and ranges through, and nothing else', async () => {
    const allowed = parseAllowedHosts(['hr.internal', 'LOCALHOST', '127.0.0.1', '10.20.0.0/16', 'fd00::/8', '::ffff:192.168.5.5']);
    const lookup = resolving({ 'hr.internal': ['10.99.0.1'], 'other.internal': ['10.99.0.1'], 'range.internal': ['10.20.1.2'], localhost: ['127.0.0.1', '::1'] });
    const check = async (url: string) => await resolveDestination(new URL(url), { allowed, lookup });

    expect(await check('http://hr.internal/hook')).toEqual({ address: '10.99.0.1', family: 4 });
    expect(await check('http://localhost:3000/hook')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await check('http://127.0.0.1:3000/hook')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await check('http://[::ffff:127.0.0.1]:3000/hook')).toMatchObject({ family: 6 });
    expect(await check('http://10.20.255.1/hook')).toEqual({ address: '10.20.255.1', family: 4 });
    expect(await check('http://range.internal/hook')).toEqual({ address: '10.20.1.2', family: 4 });
    expect(await check('http://[fd12::1]/hook')).toEqual({ address: 'fd12::1', family: 6 });
    expect(await check('http://192.168.5.5/hook')).toEqual({ address: '192.168.5.5', family: 4 });

    for (const url of ['http://other.internal/', 'http://10.21.0.1/', 'http://127.0.0.2/', 'http://[::1]/', 'http://169.254.169.254/', 'http://192.168.5.6/']) {
      await expect(check(url)).rejects.toMatchObject({ code: 'webhooks.destination_forbidden' });
    }
  });
});
