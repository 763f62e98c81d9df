import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { runMigrations } from '../db/index.ts';
import { createTokenRepository, type TokenRepository } from './create-token-repository.ts';

const key = { connection: 'default', kind: 'tenant', tenantKey: '' } as const;
const t0 = Date.parse('2030-01-01T00:00:00Z');
const lease = (leaseId: string, now: number, seenSealed: string | null) => ({ appId: 'cli_a', leaseId, now, until: now + 1_000, seenSealed });

describe.each(backends)('token repository on $name', (backend) => {
  let opened: TestDatabase;
  let repository: TokenRepository;

  beforeEach(async () => {
    opened = await backend.open();
    await runMigrations(opened.database);
    repository = createTokenRepository(opened.database);
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  it('gives the lease to one caller while it runs, and to another once it has lapsed', async () => {
    expect(await repository.takeLease(key, lease('a', t0, null))).toBe(true);
    expect(await repository.takeLease(key, lease('b', t0 + 999, null))).toBe(false);
    expect(await repository.takeLease(key, lease('c', t0 + 1_000, null))).toBe(true);
    expect(await repository.read(key)).toEqual({ appId: 'cli_a', sealedToken: null, expiresAt: null, refreshingUntil: t0 + 2_000 });
  });

  it('refuses the lease when the token changed since the caller read it', async () => {
    await repository.takeLease(key, lease('a', t0, null));
    expect(await repository.writeToken(key, { appId: 'cli_a', leaseId: 'a', sealedToken: 'v1.new', expiresAt: t0 + 7_200_000 })).toBe(true);
    // `b` read the row before `a` stored its token, and saw none.
    expect(await repository.takeLease(key, lease('b', t0, null))).toBe(false);
    expect(await repository.takeLease(key, lease('b', t0, 'v1.old'))).toBe(false);
    expect(await repository.takeLease(key, lease('b', t0, 'v1.new'))).toBe(true);
  });

  it('stores a token only for the lease holder, and frees the lease', async () => {
    await repository.takeLease(key, lease('a', t0, null));
    expect(await repository.writeToken(key, { appId: 'cli_a', leaseId: 'other', sealedToken: 'v1.x', expiresAt: t0 + 1 })).toBe(false);
    expect(await repository.writeToken(key, { appId: 'cli_a', leaseId: 'a', sealedToken: 'v1.x', expiresAt: t0 + 1 })).toBe(true);
    expect(await repository.read(key)).toEqual({ appId: 'cli_a', sealedToken: 'v1.x', expiresAt: t0 + 1, refreshingUntil: null });
  });

  it('releases only its own lease', async () => {
    await repository.takeLease(key, lease('a', t0, null));
    await repository.releaseLease(key, 'other');
    expect((await repository.read(key))?.refreshingUntil).toBe(t0 + 1_000);
    await repository.releaseLease(key, 'a');
    expect((await repository.read(key))?.refreshingUntil).toBeNull();
  });

  it('drops a token only while the row still holds it', async () => {
    await repository.takeLease(key, lease('a', t0, null));
    await repository.writeToken(key, { appId: 'cli_a', leaseId: 'a', sealedToken: 'v1.newer', expiresAt: t0 + 1 });
    expect(await repository.dropToken(key, 'v1.older')).toBe(false);
    expect((await repository.read(key))?.sealedToken).toBe('v1.newer');
    expect(await repository.dropToken(key, 'v1.newer')).toBe(true);
    expect((await repository.read(key))?.sealedToken).toBeNull();
  });

  it('keeps one ticket per connection and deletes it only while it is unchanged', async () => {
    await repository.saveTicket('store', { appId: 'cli_s', sealedTicket: 'v1.first' });
    await repository.saveTicket('store', { appId: 'cli_s', sealedTicket: 'v1.second' });
    await repository.dropTicket('store', 'v1.first');
    expect(await repository.readTicket('store')).toEqual({ appId: 'cli_s', sealedTicket: 'v1.second' });
    await repository.dropTicket('store', 'v1.second');
    expect(await repository.readTicket('store')).toBeUndefined();
  });
});
