import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock } from './acquire-data-dir-lock.ts';
import { openPglite } from './open-pglite.ts';
import { runMigrations } from './run-migrations.ts';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'gw-pglite-'));

describe('embedded PGlite database', () => {
  it('keeps what was written across a close and a reopen of the data directory', async () => {
    const dataDir = freshDir();
    const first = await openPglite({ dataDir });
    await runMigrations(first);
    await first.kysely.insertInto('gateway_installation').values({ installation_id: '6f1c1f5e-8f55-4a5e-9d6a-0d2b4d7f4a10', key_check: 'x' }).execute();
    await first.close();

    const second = await openPglite({ dataDir });
    try {
      const rows = await second.kysely.selectFrom('gateway_installation').select('installation_id').execute();
      expect(rows).toEqual([{ installation_id: '6f1c1f5e-8f55-4a5e-9d6a-0d2b4d7f4a10' }]);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('runs pg-boss-style multi-statement scripts (no values) through exec', async () => {
    const database = await openPglite({ dataDir: null });
    try {
      const result = await database.executeSql('create table t (x int); insert into t values (1), (2); select count(*)::int as n from t;');
      const results = Array.isArray(result) ? result : [result];
      expect(results.at(-1)?.rows).toEqual([{ n: 2 }]);
    } finally {
      await database.close();
    }
  }, 60_000);
});

describe('data directory lock', () => {
  it('refuses a directory locked by a live process with db.data_dir_locked', async () => {
    const dataDir = freshDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path.join(dataDir, 'pglite.lock'), String(other.pid));
      expect(() => acquireDataDirLock(dataDir)).toThrow(expect.objectContaining({ code: 'db.data_dir_locked' }));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that no longer exists, and releases it', () => {
    const dataDir = freshDir();
    writeFileSync(path.join(dataDir, 'pglite.lock'), '2147483646');
    const release = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir)).not.toThrow();
    release();
  });
});
