import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../errors/index.ts';

/**
 * PGlite is a single-process database: two processes opening one directory corrupt it. This lock
 * file (holding the owner's pid) makes a second gateway on the same `DATA_DIR` fail at start-up
 * with `db.data_dir_locked` instead. A lock left by a dead process is taken over.
 *
 * @returns a function that releases the lock.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new GatewayError('db.data_dir_locked', `the embedded database in ${dataDir} is in use by process ${owner}; stop it, or give this gateway another DATA_DIR`, { details: { pid: owner } });
    }
    rmSync(file, { force: true });
  }
  throw new GatewayError('db.data_dir_locked', `could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
