import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../errors/index.ts';
import type { ConfigProblem } from './config.ts';
import { formatConfigProblems, loadConfig, secretValuesOf, type LoadConfigInput } from './load-config.ts';

const cwd = '/srv/gateway';
const key = (): string => randomBytes(32).toString('base64');

const feishu = {
  FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
  FEISHU_APP_SECRET: 'app-secret-value',
  FEISHU_ENCRYPT_KEY: 'encrypt-key-value',
  FEISHU_VERIFICATION_TOKEN: 'verification-token-value',
};

/** The `config.invalid` error that loading `input` throws. */
function configErrorOf(input: LoadConfigInput): { message: string; problems: ConfigProblem[] } {
  try {
    loadConfig(input);
  } catch (error) {
    if (!isGatewayError(error, 'config.invalid')) throw error;
    return { message: error.message, problems: error.details?.['problems'] as ConfigProblem[] };
  }
  return expect.fail('loadConfig accepted an invalid configuration');
}

const problemKeys = (input: LoadConfigInput): string[] => configErrorOf(input).problems.map((problem) => problem.key);

describe('loadConfig from the environment', () => {
  it('applies the defaults when nothing is set', () => {
    const config = loadConfig({ env: {}, cwd });

    expect(config.http.port).toBe(8080);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe(path.join(cwd, 'data'));
    expect(config.database.url).toBeUndefined();
    expect(config.envConnection).toBeUndefined();
    expect(config.secretKeys).toEqual([]);
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('rejects a port that is not a number with config.invalid naming PORT', () => {
    expect(() => loadConfig({ env: { PORT: 'abc' }, cwd })).toThrow(expect.objectContaining({ code: 'config.invalid' }));
    expect(problemKeys({ env: { PORT: 'abc' }, cwd })).toEqual(['PORT']);
  });

  it('reports every bad key at once', () => {
    const keys = problemKeys({ env: { PORT: '70000', LOG_LEVEL: 'loud', PUBLIC_URL: 'ftp://example.com', DATABASE_POOL_SIZE: '1' }, cwd });

    expect(keys.toSorted()).toEqual(['DATABASE_POOL_SIZE', 'LOG_LEVEL', 'PORT', 'PUBLIC_URL']);
  });

  it('reports a missing dependent key together with field problems', () => {
    const keys = problemKeys({ env: { PORT: 'abc', DATABASE_URL: 'postgres://gw@127.0.0.1/gw' }, cwd });

    expect(keys.toSorted()).toEqual(['GATEWAY_SECRET_KEY', 'PORT']);
  });

  it('reports an invalid dependent key once, as invalid rather than missing', () => {
    const { problems } = configErrorOf({ env: { DATABASE_URL: 'postgres://gw@127.0.0.1/gw', GATEWAY_SECRET_KEY: 'short' }, cwd });

    expect(problems).toEqual([expect.objectContaining({ key: 'GATEWAY_SECRET_KEY', message: 'each key must be 32 bytes encoded as base64' })]);
  });

  it('treats an empty or blank value as unset', () => {
    const config = loadConfig({ env: { PORT: '', LOG_LEVEL: '  ', FEISHU_APP_ID: '' }, cwd });

    expect(config.http.port).toBe(8080);
    expect(config.log.level).toBe('info');
    expect(config.envConnection).toBeUndefined();
  });

  it('requires GATEWAY_SECRET_KEY when DATABASE_URL is set', () => {
    expect(problemKeys({ env: { DATABASE_URL: 'postgres://gw@127.0.0.1/gw' }, cwd })).toEqual(['GATEWAY_SECRET_KEY']);
  });

  it('rejects a secret key that is not 32 bytes of base64', () => {
    expect(problemKeys({ env: { GATEWAY_SECRET_KEY: randomBytes(16).toString('base64') }, cwd })).toEqual(['GATEWAY_SECRET_KEY']);
  });

  it('turns a comma-separated key list into secretKeys, current first', () => {
    const [current, old] = [key(), key()];

    const config = loadConfig({ env: { GATEWAY_SECRET_KEY: `${current}, ${old}` }, cwd });

    expect(config.secretKeys).toEqual([current, old]);
  });

  it('reports FEISHU_APP_ID without FEISHU_APP_SECRET', () => {
    expect(problemKeys({ env: { ...feishu, FEISHU_APP_SECRET: undefined }, cwd })).toEqual(['FEISHU_APP_SECRET']);
  });

  it('rejects a connection that has neither an encrypt key nor a verification token', () => {
    const env = { FEISHU_APP_ID: feishu.FEISHU_APP_ID, FEISHU_APP_SECRET: feishu.FEISHU_APP_SECRET };

    expect(problemKeys({ env, cwd })).toEqual(['FEISHU_VERIFICATION_TOKEN']);
  });

  it('builds the default connection from the FEISHU_* keys', () => {
    const config = loadConfig({ env: { ...feishu, FEISHU_DOMAIN: 'lark' }, cwd });

    expect(config.envConnection).toEqual({
      name: 'default',
      appId: feishu.FEISHU_APP_ID,
      appSecret: feishu.FEISHU_APP_SECRET,
      appType: 'self_built',
      encryptKey: feishu.FEISHU_ENCRYPT_KEY,
      verificationToken: feishu.FEISHU_VERIFICATION_TOKEN,
      domain: 'lark',
      eventMode: 'http',
    });
  });

  it('reads FEISHU_EVENT_MODE, and refuses the long connection for a store app', () => {
    expect(loadConfig({ env: { ...feishu, FEISHU_EVENT_MODE: 'websocket' }, cwd }).envConnection?.eventMode).toBe('websocket');
    expect(problemKeys({ env: { ...feishu, FEISHU_EVENT_MODE: 'webhook' }, cwd })).toEqual(['FEISHU_EVENT_MODE']);
    expect(problemKeys({ env: { ...feishu, FEISHU_EVENT_MODE: 'websocket', FEISHU_APP_TYPE: 'store' }, cwd })).toEqual(['FEISHU_EVENT_MODE']);
  });

  it('strips the trailing slash of a domain URL', () => {
    const config = loadConfig({ env: { ...feishu, FEISHU_DOMAIN: 'http://127.0.0.1:9090/' }, cwd });

    expect(config.envConnection?.domain).toBe('http://127.0.0.1:9090');
  });

  it('returns a deeply frozen config', () => {
    const config = loadConfig({ env: { ...feishu, GATEWAY_SECRET_KEY: key() }, cwd });

    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.envConnection)).toBe(true);
    expect(Object.isFrozen(config.secretKeys)).toBe(true);
  });

  it('lists the secret values of a config, including the database password', () => {
    const secretKey = key();
    const config = loadConfig({ env: { ...feishu, GATEWAY_SECRET_KEY: secretKey, DATABASE_URL: 'postgres://gw:p%40ss-word@db/gw' }, cwd });

    expect(secretValuesOf(config).toSorted()).toEqual(
      [secretKey, feishu.FEISHU_APP_SECRET, feishu.FEISHU_ENCRYPT_KEY, feishu.FEISHU_VERIFICATION_TOKEN, 'p@ss-word'].toSorted(),
    );
  });
});

describe('loadConfig with a --config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const withFile = (name: string, text: string, env: Record<string, string> = {}): LoadConfigInput => {
    writeFileSync(path.join(dir, name), text);
    return { env, configFile: name, cwd: dir };
  };

  it('reads values from a YAML file', () => {
    const config = loadConfig(withFile('gateway.yaml', 'PORT: 9000\nLOG_LEVEL: debug\nDATA_DIR: state\n'));

    expect(config.http.port).toBe(9000);
    expect(config.log.level).toBe('debug');
    expect(config.dataDir).toBe(path.join(dir, 'state'));
  });

  it('reads values from a JSON file', () => {
    const config = loadConfig(withFile('gateway.json', JSON.stringify({ PORT: 9001, HOST: '127.0.0.1' })));

    expect(config.http).toMatchObject({ port: 9001, host: '127.0.0.1' });
  });

  it('lets the environment win over the file', () => {
    const config = loadConfig(withFile('gateway.yaml', 'PORT: 9000\nHOST: 127.0.0.1\n', { PORT: '9100' }));

    expect(config.http).toMatchObject({ port: 9100, host: '127.0.0.1' });
  });

  it('treats an empty value in the file as unset', () => {
    const config = loadConfig(withFile('gateway.yaml', 'PORT: ""\nLOG_LEVEL:\n'));

    expect(config.http.port).toBe(8080);
    expect(config.log.level).toBe('info');
  });

  it('reports an unknown key in the file', () => {
    expect(problemKeys(withFile('gateway.yaml', 'PORT: 9000\nPROT: 9000\n'))).toEqual(['PROT']);
  });

  it('reports a missing file on --config', () => {
    expect(problemKeys({ env: {}, configFile: 'missing.yaml', cwd: dir })).toEqual(['--config']);
  });

  it('keeps YAML values exactly as written, even when they look like numbers', () => {
    const config = loadConfig(
      withFile('gateway.yaml', 'FEISHU_APP_ID: cli_a1b2c3d4e5f60718\nFEISHU_APP_SECRET: 0123456789\nFEISHU_VERIFICATION_TOKEN: 0x1F2E3D4C\n'),
    );
    expect(config.envConnection).toMatchObject({ appSecret: '0123456789', verificationToken: '0x1F2E3D4C' });
  });

  it('reports a file that is not valid YAML on --config', () => {
    const { problems } = configErrorOf(withFile('gateway.yaml', 'PORT: [9000\n'));

    expect(problems.map((problem) => problem.key)).toEqual(['--config']);
    expect(problems[0]?.message).toContain('is not valid YAML');
  });

  it('does not echo the contents of a file that is not valid JSON', () => {
    const error = configErrorOf(withFile('gateway.json', '{"FEISHU_APP_SECRET": canary-json-secret}'));

    expect(error.problems.map((problem) => problem.key)).toEqual(['--config']);
    expect(JSON.stringify(error)).not.toContain('canary');
  });
});

describe('config problems', () => {
  it('formats each problem with its key and hint', () => {
    const text = formatConfigProblems([
      { key: 'PORT', message: 'must be a whole number', hint: 'a whole number such as 8080' },
      { key: 'LOG_LEVEL', message: 'bad', hint: undefined },
    ]);

    expect(text).toContain('2 problems');
    expect(text).toContain('PORT: must be a whole number (hint: a whole number such as 8080)');
    expect(text).toContain('LOG_LEVEL: bad');
  });

  it('carries the hint of each key in the error message', () => {
    const { message } = configErrorOf({ env: { PORT: 'abc', DATABASE_URL: 'postgres://gw@db/gw' }, cwd });

    expect(message).toContain('PORT: must be a whole number (hint: a whole number such as 8080)');
    expect(message).toContain('GATEWAY_SECRET_KEY: is required when DATABASE_URL is set');
    expect(message).toContain('hint: generate one with: openssl rand -base64 32');
  });

  it('never repeats the value of an invalid secret', () => {
    const canary = 'canary-not-base64-key';

    const error = configErrorOf({ env: { GATEWAY_SECRET_KEY: canary }, cwd });

    expect(error.problems.map((problem) => problem.key)).toEqual(['GATEWAY_SECRET_KEY']);
    expect(JSON.stringify(error)).not.toContain('canary');
  });
});
