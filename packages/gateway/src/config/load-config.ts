import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GatewayError } from '../errors/index.ts';
import type { Config, ConfigProblem } from './config.ts';
import { configSchema, type ConfigKey } from './config-schema.ts';

export type LoadConfigInput = {
  /** The process environment; the CLI passes `process.env`, tests pass a literal. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON or YAML file with the same keys as the environment. */
  readonly configFile?: string | undefined;
  /** Directory relative paths (`DATA_DIR`, the config file) are resolved against. */
  readonly cwd: string;
};

const knownKeys = new Set<string>(Object.keys(configSchema.shape));

/**
 * Parses the environment (over an optional config file) into one frozen, typed `Config`.
 * Throws a `GatewayError` with code `config.invalid` whose `details.problems` lists every
 * problem at once, each with its key and a hint, so an operator fixes them in one go.
 *
 * @example
 * const config = loadConfig({ env: process.env, cwd: process.cwd() });
 */
export function loadConfig(input: LoadConfigInput): Config {
  const fileValues = input.configFile === undefined ? {} : readConfigFile(path.resolve(input.cwd, input.configFile));
  const raw: Record<string, string> = { ...fileValues };
  for (const key of knownKeys) {
    const value = input.env[key];
    // `PORT=` in a shell or an env file means "not set", not "set to an empty string".
    if (value !== undefined && value.trim() !== '') raw[key] = value;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue): ConfigProblem => {
      const key = String(issue.path[0] ?? '(config)');
      return { key, message: issue.message, hint: hintFor(key) };
    });
    throw configError(problems);
  }

  const env = parsed.data;
  const config: Config = {
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      startupTimeoutSeconds: env.DATABASE_STARTUP_TIMEOUT_SECONDS,
    },
    redis: { url: env.REDIS_URL },
    feishu: { monthlyCallQuota: env.FEISHU_MONTHLY_CALL_QUOTA, rateLimitMultiplier: env.FEISHU_RATE_LIMIT_MULTIPLIER },
    demoMode: env.DEMO_MODE,
    directory: { reconcileIntervalMs: env.DIRECTORY_RECONCILE_INTERVAL_HOURS * 3_600_000, syncStepSeconds: env.DIRECTORY_SYNC_STEP_SECONDS },
    events: { maxAgeMs: env.EVENTS_MAX_AGE_HOURS * 3_600_000, retentionMs: env.EVENTS_RETENTION_DAYS * 86_400_000, handlerTimeoutSeconds: env.EVENTS_HANDLER_TIMEOUT_SECONDS },
    webhooks: {
      allowedHosts: (env.WEBHOOKS_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter((entry) => entry !== ''),
    },
    dataDir: path.resolve(input.cwd, env.DATA_DIR),
    secretKeys: env.GATEWAY_SECRET_KEY === undefined ? [] : env.GATEWAY_SECRET_KEY.split(',').map((key) => key.trim()),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    envConnection:
      env.FEISHU_APP_ID === undefined || env.FEISHU_APP_SECRET === undefined
        ? undefined
        : {
            name: 'default',
            appId: env.FEISHU_APP_ID,
            appSecret: env.FEISHU_APP_SECRET,
            appType: env.FEISHU_APP_TYPE,
            encryptKey: env.FEISHU_ENCRYPT_KEY,
            verificationToken: env.FEISHU_VERIFICATION_TOKEN,
            domain: env.FEISHU_DOMAIN.replace(/\/+$/, ''),
            eventMode: env.FEISHU_EVENT_MODE,
          },
  };
  return deepFreeze(config);
}

/** Formats the problems of a `config.invalid` error for a terminal, one line per problem. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map(({ key, message, hint }) => `  ${key}: ${message}${hint === undefined ? '' : ` (hint: ${hint})`}`);
  return `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** The secret values in a config, so the logger can scrub them from any output. */
export function secretValuesOf(config: Config): string[] {
  const values = [...config.secretKeys];
  const connection = config.envConnection;
  if (connection !== undefined) {
    values.push(connection.appSecret);
    if (connection.encryptKey !== undefined) values.push(connection.encryptKey);
    if (connection.verificationToken !== undefined) values.push(connection.verificationToken);
  }
  for (const url of [config.database.url, config.redis.url]) {
    if (url === undefined) continue;
    const password = new URL(url).password;
    if (password !== '') values.push(decodeURIComponent(password));
  }
  return values;
}

function readConfigFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError([{ key: '--config', message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, hint: 'a readable JSON or YAML file' }]);
  }
  const format = file.endsWith('.json') ? 'JSON' : 'YAML';
  let document: unknown;
  try {
    // `failsafe` keeps every scalar a string: the core schema would turn a digits-only secret
    // such as `012345` into the number 12345, or `0x1F` into 31.
    document = format === 'JSON' ? JSON.parse(text) : parseYaml(text, { schema: 'failsafe' });
  } catch (error) {
    throw configError([{ key: '--config', message: `${file} is not valid ${format}: ${parseErrorReason(error as Error, format)}`, hint: undefined }]);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw configError([{ key: '--config', message: `${file} must hold an object of settings`, hint: 'for example PORT: 8080' }]);
  }

  const problems: ConfigProblem[] = [];
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(document)) {
    if (!knownKeys.has(key)) {
      problems.push({ key, message: `unknown setting in ${path.basename(file)}`, hint: 'see docs/configuration.md for the keys' });
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      // As in the environment, an empty value means "not set".
      if (String(value).trim() !== '') values[key] = String(value);
    } else if (value !== null) {
      problems.push({ key, message: 'must be a single value (string or number)', hint: hintFor(key) });
    }
  }
  if (problems.length > 0) throw configError(problems);
  return values;
}

/**
 * The first line of a parser's message, without any quoted source: V8 quotes the text around a
 * JSON syntax error (`Unexpected token 'c', ..."SECRET": canary"...`), which may be a secret.
 */
function parseErrorReason(error: Error, format: 'JSON' | 'YAML'): string {
  const firstLine = error.message.split('\n')[0] ?? '';
  return format === 'JSON' ? (firstLine.split('"')[0] ?? '').replace(/[\s,.]+$/, '') : firstLine;
}

function hintFor(key: string): string | undefined {
  if (!knownKeys.has(key)) return undefined;
  const meta = configSchema.shape[key as ConfigKey].meta();
  return typeof meta?.['hint'] === 'string' ? meta['hint'] : undefined;
}

function configError(problems: ConfigProblem[]): GatewayError {
  return new GatewayError('config.invalid', formatConfigProblems(problems), { details: { problems } });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
