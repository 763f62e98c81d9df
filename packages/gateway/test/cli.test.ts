import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnGateway } from './support/spawn-gateway.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'gw-cli-'));

describe('feishu-gateway command line', () => {
  it('prints usage for --help and exits 0', async () => {
    const gateway = spawnGateway(['--help'], {});
    expect(await gateway.exited()).toBe(0);
    expect(gateway.stdout()).toMatch(/^Usage: feishu-gateway <command>/);
    expect(gateway.stdout()).toContain('migrate');
  });

  it('prints the package version for --version', async () => {
    const gateway = spawnGateway(['--version'], {});
    expect(await gateway.exited()).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(gateway.stdout().trim()).toBe(version);
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['start', '--bogus'], "Unknown option '--bogus'"],
    [[], 'a command is required'],
    [['start', 'extra'], 'unexpected argument "extra"'],
  ])('rejects %j with usage and exit status 2', async (args, problem) => {
    const gateway = spawnGateway(args, {});
    expect(await gateway.exited()).toBe(2);
    expect(gateway.stderr()).toContain(problem);
    expect(gateway.stderr()).toContain('Usage: feishu-gateway');
  });

  it('exits 2 naming PORT when PORT=abc, before touching the data directory', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const gateway = spawnGateway(['start'], { PORT: 'abc', DATA_DIR: dataDir });
    expect(await gateway.exited()).toBe(2);
    expect(gateway.stderr()).toMatch(/PORT: must be a whole number/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('lists every configuration problem at once', async () => {
    const gateway = spawnGateway(['start'], { PORT: '70000', LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://127.0.0.1/x' });
    expect(await gateway.exited()).toBe(2);
    for (const key of ['PORT', 'LOG_LEVEL', 'GATEWAY_SECRET_KEY']) expect(gateway.stderr()).toContain(`${key}:`);
    expect(gateway.stderr()).toContain('3 problems');
  });

  it('migrates the embedded database with `migrate`, then reports it up to date', async () => {
    const dataDir = tempDir();
    const first = spawnGateway(['migrate'], { DATA_DIR: dataDir });
    expect(await first.exited()).toBe(0);
    expect(first.stdout()).toMatch(/Applied \d+ migration\(s\): 0001-installation, 0002-feishu-tokens/);
    const second = spawnGateway(['migrate'], { DATA_DIR: dataDir });
    expect(await second.exited()).toBe(0);
    expect(second.stdout()).toContain('Database is up to date.');
  }, 60_000);
});
