import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { GatewayError } from '../errors/index.ts';
import { createLogger, type Logger } from './create-logger.ts';

// Canary values: each is planted on one path into the log and must never come out.
const configuredSecret = 'canary-configured-secret-7f3a';

/** A test logger that scrubs `configuredSecret`, with its output as text and as parsed lines. */
function loggerWithSecrets(): { logger: Logger; text: () => string; entries: () => unknown[] } {
  const { logger, lines } = createTestLogger({ secrets: [configuredSecret] });
  return { logger, text: () => lines.join(''), entries: () => lines.map((line) => JSON.parse(line) as unknown) };
}

describe('createLogger keeps secrets and personal data out of the log', () => {
  it('redacts sensitive fields at every depth', () => {
    const { logger, text, entries } = loggerWithSecrets();

    logger.info(
      {
        app_secret: 'canary-app-secret-snake',
        connection: { appSecret: 'canary-app-secret-camel', tenant_access_token: 't-canary-tenant-token' },
        event: { encrypt: 'canary-encrypt-payload' },
        request: { headers: { Authorization: 'Bearer canary-bearer-token', 'content-type': 'application/json' } },
        user: { open_id: 'ou_123', email: 'canary.field@example.com', mobile: '+8613900000000' },
        message: { content: '{"text":"canary message body"}' },
        accounts: [{ name: 'ops', password: 'canary-password' }],
      },
      'event received',
    );

    expect(text()).not.toContain('canary');
    expect(entries()).toMatchObject([
      {
        app_secret: '[redacted]',
        connection: { appSecret: '[redacted]', tenant_access_token: '[redacted]' },
        event: { encrypt: '[redacted]' },
        request: { headers: { Authorization: '[redacted]', 'content-type': 'application/json' } },
        user: { open_id: 'ou_123', email: '[redacted]', mobile: '[redacted]' },
        message: { content: '[redacted]' },
        accounts: [{ name: 'ops', password: '[redacted]' }],
        msg: 'event received',
      },
    ]);
  });

  it('keeps ids, timestamps and long numeric strings unchanged', () => {
    const { logger, entries } = loggerWithSecrets();

    logger.info({ openId: 'ou_123', createdAt: 1763779200000, createTime: '1763779200000', count: 13812345678 }, 'ok');

    expect(entries()).toMatchObject([{ openId: 'ou_123', createdAt: 1763779200000, createTime: '1763779200000', count: 13812345678 }]);
  });

  it('scrubs emails and mobiles from the message', () => {
    const { logger, text, entries } = loggerWithSecrets();

    logger.info('sent to canary.msg@example.com, 13812345678 and +4915112345678');

    expect(text()).not.toMatch(/canary|13812345678|4915112345678/);
    expect(entries()).toMatchObject([{ msg: 'sent to [email], [mobile] and [mobile]' }]);
  });

  it('redacts values interpolated into the message', () => {
    const { logger, text } = loggerWithSecrets();

    logger.info('payload %j from %s', { app_secret: 'canary-interpolated-secret', email: 'canary.interp@example.com' }, 'canary.arg@example.com');

    expect(text()).not.toContain('canary');
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('from [email]');
  });

  it('scrubs a configured secret and an email from an error message, also where it becomes the line message', () => {
    const { logger, text, entries } = loggerWithSecrets();
    const error = new Error(`Feishu rejected ${configuredSecret} for canary.error@example.com`);

    logger.error(error);
    logger.error({ err: error });
    logger.error({ err: error }, 'call failed');
    logger.error({ err: { message: 'upstream said canary.plain@example.com' } });

    expect(text()).not.toContain('canary');
    const scrubbed = 'Feishu rejected [redacted] for [email]';
    expect(entries()).toMatchObject([
      { msg: scrubbed, err: { message: scrubbed } },
      { msg: scrubbed, err: { message: scrubbed } },
      { msg: 'call failed', err: { message: scrubbed } },
      { msg: 'upstream said [email]' },
    ]);
  });

  it('leaves no token of an error cause in the log', () => {
    const { logger, text } = loggerWithSecrets();
    const inner = Object.assign(new Error('token refresh failed'), { access_token: 'canary-cause-token' });
    const withPlainCause = Object.assign(new Error('upstream failed'), { cause: { refresh_token: 'canary-plain-cause-token' } });

    logger.error({ err: new Error('call failed', { cause: inner }) }, 'first');
    logger.error({ err: withPlainCause }, 'second');

    expect(text()).not.toContain('canary');
    expect(text()).toContain('token refresh failed');
    expect(text()).toContain('"refresh_token":"[redacted]"');
  });

  it('logs a gateway error with its type and code, and redacts its details', () => {
    const { logger, text, entries } = loggerWithSecrets();
    const error = new GatewayError('db.unreachable', 'database is down', { details: { attempt: 3, password: 'canary-details-password' } });

    logger.error({ err: error }, 'start-up failed');

    expect(text()).not.toContain('canary');
    expect(entries()).toMatchObject([
      { err: { type: 'GatewayError', code: 'db.unreachable', status: 503, details: { attempt: 3, password: '[redacted]' } } },
    ]);
  });

  it('redacts secret fields in child logger bindings', () => {
    const { logger, text, entries } = loggerWithSecrets();
    const child = logger.child({ connection: 'default', app_secret: 'canary-binding-secret', owner: { email: 'canary.owner@example.com' } });

    child.info('ready');
    child.child({ user_access_token: 'canary-grandchild-token' }).info('nested');
    child.setBindings({ refresh_token: 'canary-set-binding-token' });
    child.info('rebound');

    expect(text()).not.toContain('canary');
    expect(entries()).toMatchObject([
      { connection: 'default', app_secret: '[redacted]', owner: { email: '[redacted]' }, msg: 'ready' },
      { connection: 'default', user_access_token: '[redacted]', msg: 'nested' },
      { refresh_token: '[redacted]', msg: 'rebound' },
    ]);
  });

  it('scrubs a configured secret that appears in an ordinary field', () => {
    const { logger, text } = loggerWithSecrets();

    logger.warn({ note: `config was ${configuredSecret}`, quoted: `"${configuredSecret}"` }, `using ${configuredSecret}`);

    expect(text()).not.toContain('canary');
    expect(text()).toContain('using [redacted]');
  });

  it('scrubs a configured secret as short as four characters, but not shorter ones', () => {
    const { logger, lines } = createTestLogger({ secrets: ['zq9x', 'ab'] });

    logger.info({ note: 'token zq9x, about ab' }, 'done');

    expect(lines.join('')).toContain('token [redacted], about ab');
  });

  it('scrubs a configured secret from pretty output', async () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'info', format: 'pretty', secrets: [configuredSecret], destination });

    logger.info({ note: `key ${configuredSecret}` }, `using ${configuredSecret} for canary.pretty@example.com`);

    await vi.waitFor(() => expect(chunks.join('')).toContain('using'));
    const output = chunks.join('');
    expect(output).not.toContain('canary');
    expect(output).toContain('using [redacted] for [email]');
    expect(output).not.toMatch(/^\{/);
  });
});
