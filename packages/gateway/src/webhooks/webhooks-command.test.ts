import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { runMigrations } from '../db/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { createWebhookSubscriptions } from './create-webhook-subscriptions.ts';
import { parseWebhooksCommand, runWebhooksCommand } from './webhooks-command.ts';

const pglite = backends.find((backend) => backend.name === 'pglite')!;

describe('parseWebhooksCommand', () => {
  it('reads create, list, delete, enable, disable and deliveries', () => {
    expect(parseWebhooksCommand(['create'], { url: 'https://hooks.example.com/x', events: 'user.*, department.created,', connection: 'default' })).toEqual({
      action: 'create',
      url: 'https://hooks.example.com/x',
      events: ['user.*', 'department.created'],
      connection: 'default',
    });
    expect(parseWebhooksCommand(['list'], {})).toEqual({ action: 'list' });
    expect(parseWebhooksCommand(['delete', '3'], {})).toEqual({ action: 'delete', id: '3' });
    expect(parseWebhooksCommand(['disable', '3'], {})).toEqual({ action: 'disable', id: '3' });
    expect(parseWebhooksCommand(['deliveries', '3'], { status: 'failed' })).toEqual({ action: 'deliveries', id: '3', status: 'failed' });
  });

  it.each([
    [[], {}],
    [['purge'], {}],
    [['create'], { events: 'user.*' }],
    [['create'], { url: 'https://hooks.example.com/' }],
    [['create', 'extra'], { url: 'https://hooks.example.com/', events: '*' }],
    [['list'], { url: 'https://hooks.example.com/' }],
    [['list', 'extra'], {}],
    [['delete'], {}],
    [['delete', '1', '2'], {}],
    [['delete', '1'], { events: '*' }],
    [['deliveries', '1'], { status: 'lost' }],
  ])('refuses %j %j with cli.usage', (args, flags) => {
    expect(() => parseWebhooksCommand(args, flags)).toThrow(expect.objectContaining({ code: 'cli.usage' }));
  });
});

describe('runWebhooksCommand', () => {
  let opened: TestDatabase | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('prints a new secret alone on stdout, then lists, shows deliveries and deletes without it', async () => {
    opened = await pglite.open();
    await runMigrations(opened.database);
    const subscriptions = createWebhookSubscriptions({ database: opened.database, keyring: createKeyring([randomBytes(32).toString('base64')]), allowedHosts: ['127.0.0.1'] });
    const run = async (args: string[], flags: Parameters<typeof parseWebhooksCommand>[1] = {}) => {
      let stdout = '';
      let stderr = '';
      await runWebhooksCommand(subscriptions, parseWebhooksCommand(args, flags), { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
      return { stdout, stderr };
    };

    expect((await run(['list'])).stdout).toContain('No webhooks.');
    const created = await run(['create'], { url: 'http://127.0.0.1:9/hook', events: 'user.*,department.created', connection: 'default' });
    expect(created.stdout).toMatch(/^whsec_[A-Za-z0-9+/]{43}=\n$/);
    expect(created.stderr).toContain('Created webhook 1 to http://127.0.0.1:9/hook for user.*, department.created (connection default)');
    const secret = created.stdout.trim();

    const listed = await run(['list']);
    expect(listed.stdout).toMatch(/^ID\s+URL\s+EVENTS\s+CONNECTION\s+STATUS\s+CREATED\n1\s+http:\/\/127\.0\.0\.1:9\/hook\s+user\.\*,department\.created\s+default\s+enabled\s+\S+Z\n$/);
    expect((await run(['disable', '1'])).stdout).toBe('Webhook 1 is disabled.\n');
    expect((await run(['list'])).stdout).toContain('disabled');
    expect((await run(['deliveries', '1'])).stdout).toBe('No deliveries for webhook 1.\n');
    expect((await run(['delete', '1'])).stdout).toBe('Deleted webhook 1 and its delivery log.\n');
    await expect(run(['delete', '1'])).rejects.toMatchObject({ code: 'webhooks.not_found' });
    await expect(run(['create'], { url: 'http://169.254.169.254/', events: '*' })).rejects.toMatchObject({ code: 'webhooks.destination_forbidden' });
    expect(listed.stdout + created.stderr).not.toContain(secret.slice(6));
  });
});
