import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repositoryRoot = new URL('../../../', import.meta.url).pathname;

describe('npm start (the README quick start)', () => {
  it('runs the built gateway and stops it when npm receives SIGTERM, leaving no orphan', async () => {
    // npm forwards SIGTERM to its child; without `exec` in the script the child is `sh`, which
    // would die and leave the gateway running unsupervised.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: repositoryRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'gw-npm-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = once(npm, 'exit');
    const deadline = Date.now() + 45_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < deadline && npm.exitCode === null) {
      const line = out.split('\n').find((candidate) => candidate.includes('Feishu Gateway listening on'));
      if (line !== undefined) url = (JSON.parse(line) as { url: string }).url;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url).toBeDefined();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Nothing is configured: demo mode, against the emulator, with a synced directory and a key.
    expect(out).toContain('DEMO MODE');
    const key = /API key:\s+(\S+)/.exec(out)?.[1];
    expect(key).toMatch(/^fgw_/);
    while (!out.includes('Demo directory synced') && Date.now() < deadline + 30_000 && npm.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(out).toContain('Demo directory synced');
    const curl = /curl -H 'Authorization: Bearer [^']+' '([^']+)'/.exec(out)?.[1];
    expect(curl).toBe(`${url}/api/v1/directory/users?limit=5`);
    const users = await fetch(curl ?? '', { headers: { authorization: `Bearer ${key ?? ''}` } });
    expect(users.status).toBe(200);
    expect(((await users.json()) as { items: unknown[] }).items).toHaveLength(5);
    // Every /api/v1 route is described, without a key.
    const openApi = await fetch(`${url}/api/v1/openapi.json`);
    expect(openApi.status).toBe(200);
    const paths = Object.keys(((await openApi.json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/directory/users', '/api/v1/directory/sync', '/api/v1/webhooks']));

    const started = Date.now();
    npm.kill('SIGTERM');
    await exited;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out).toContain('"msg":"stopped"');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
