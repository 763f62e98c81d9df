import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.ts';

const cliPath = new URL('../src/cli.ts', import.meta.url).pathname;

describe('feishu-emulator command line', () => {
  it('starts, prints its URL and the default app, answers token requests, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cliPath, 'start', '--port', '0', '--seed', '5', '--users', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = once(child, 'exit');
    // Also stop waiting if it exits early: the assertions below then show what it printed.
    await eventually(() => out.includes('Default app:') || child.exitCode !== null, 20_000);

    const url = /Feishu emulator listening on (http:\/\/\S+)/.exec(out)?.[1];
    const appId = /FEISHU_APP_ID=(cli_[0-9a-f]{16})/.exec(out)?.[1];
    const appSecret = /FEISHU_APP_SECRET=(\S+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    const response = await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: appId, app_secret: appSecret }),
    });
    expect(await response.json()).toMatchObject({ code: 0, tenant_access_token: expect.stringMatching(/^t-/) as unknown });

    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses an unknown command or a bad number with exit status 2', async () => {
    for (const args of [['serve'], ['start', '--users', 'many']]) {
      const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
    }
  });
});
