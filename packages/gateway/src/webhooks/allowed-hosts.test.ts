import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { isAllowedAddress, parseAllowedHosts } from './allowed-hosts.ts';

describe('WEBHOOKS_ALLOWED_HOSTS', () => {
  it('is read into lower-case entries, and is empty when unset', () => {
    expect(loadConfig({ env: {}, cwd: '/tmp' }).webhooks.allowedHosts).toEqual([]);
    const config = loadConfig({ env: { WEBHOOKS_ALLOWED_HOSTS: ' HR.Internal.example.com , 10.20.0.0/16,127.0.0.1,fd00::/8, ::1 ' }, cwd: '/tmp' });
    expect(config.webhooks.allowedHosts).toEqual(['hr.internal.example.com', '10.20.0.0/16', '127.0.0.1', 'fd00::/8', '::1']);
  });

  it.each(['10.0.0.0/33', 'http://hr.internal', 'hr internal', '10.1', '2130706433', 'a,,b', '10.0.0.1/8/8', '-bad.example.com'])('refuses the entry %j as config.invalid', (value) => {
    expect(() => loadConfig({ env: { WEBHOOKS_ALLOWED_HOSTS: value }, cwd: '/tmp' })).toThrow(expect.objectContaining({ code: 'config.invalid', details: { problems: [expect.objectContaining({ key: 'WEBHOOKS_ALLOWED_HOSTS' })] } }));
  });

  it('matches addresses against ranges of the same family only', () => {
    const allowed = parseAllowedHosts(['10.20.0.0/16', '::ffff:172.16.0.0/108', 'hr.internal.', '2001:db8::1']);
    expect(allowed.names).toEqual(new Set(['hr.internal']));
    const allows = (address: string) => isAllowedAddress(allowed, ipaddr.parse(address));
    expect(allows('10.20.3.4')).toBe(true);
    expect(allows('10.21.3.4')).toBe(false);
    expect(allows('172.16.9.9')).toBe(true);
    expect(allows('2001:db8::1')).toBe(true);
    expect(allows('2001:db8::2')).toBe(false);
  });
});
