import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Every setting the gateway reads, keyed by its environment variable name. The same keys are
 * accepted in a `--config` file (JSON or YAML); the environment wins over the file.
 *
 * Metadata used beyond zod itself: `hint` (shown with a validation problem) and `secret`
 * (the value is never echoed, logged or rendered). `docs/configuration.md` is generated from here.
 */

const secret = true;

const hostName = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** An entry of `WEBHOOKS_ALLOWED_HOSTS`: a dotted-quad or IPv6 address, a CIDR range, or a host name. */
function isAllowedHostEntry(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (address === undefined || rest.length > 0) return false;
  const literal = ipaddr.IPv4.isValidFourPartDecimal(address) || (address.includes(':') && ipaddr.IPv6.isValid(address));
  if (bits !== undefined) return literal && ipaddr.isValidCIDR(entry);
  // Digits and dots only would be a host name that is really an odd IPv4 form ("10.1"): refuse it.
  return literal || (hostName.test(entry) && !/^[\d.]+$/.test(entry));
}

const base64Key = z
  .string()
  .trim()
  .refine((value) => value.split(',').every((key) => Buffer.from(key.trim(), 'base64').length === 32), {
    message: 'each key must be 32 bytes encoded as base64',
  });

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const configSchema = z
  .object({
    PORT: z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be between 0 and 65535' })
      .max(65535, { error: 'must be between 0 and 65535' })
      .default(8080)
      .meta({ description: 'TCP port of the HTTP server. `0` picks a free port (useful in tests).', hint: 'a whole number such as 8080' }),
    HOST: z
      .string()
      .min(1)
      .default('0.0.0.0')
      .meta({ description: 'Interface the HTTP server binds to. Use `127.0.0.1` to accept local connections only.', hint: 'an IP address or host name such as 127.0.0.1' }),
    PUBLIC_URL: httpUrl
      .optional()
      .meta({ description: 'The URL at which Feishu and users reach the gateway (behind any proxy); callback URLs are built from it. Defaults to `http://localhost:PORT`.', hint: 'for example https://gateway.example.com' }),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
      .optional()
      .meta({ description: 'PostgreSQL connection URL. When unset, the gateway uses an embedded PGlite database stored under `DATA_DIR`.', hint: 'for example postgres://user:password@127.0.0.1:5432/gateway', secret }),
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(2, { error: 'must be at least 2' })
      .max(200)
      .default(10)
      .meta({ description: 'Maximum PostgreSQL connections this instance opens (ignored for PGlite).', hint: 'a whole number from 2 to 200' }),
    DATABASE_STARTUP_TIMEOUT_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .min(0)
      .max(600)
      .default(30)
      .meta({ description: 'How long start-up keeps retrying an unreachable PostgreSQL (with backoff) before exiting with status 1.', hint: 'seconds, for example 30' }),
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
      .optional()
      .meta({ description: 'Redis connection URL. When set, the outbound rate limits shared by every instance are counted in Redis instead of the database.', hint: 'for example redis://:password@127.0.0.1:6379/0', secret }),
    DATA_DIR: z
      .string()
      .min(1)
      .default('./data')
      .meta({ description: 'Directory for local state: the embedded database and, with PGlite, the generated secret key file.', hint: 'a directory path' }),
    GATEWAY_SECRET_KEY: base64Key
      .optional()
      .meta({ description: 'Key that encrypts stored secrets (AES-256-GCM): 32 random bytes in base64 (`openssl rand -base64 32`). To rotate, list the new key first and old keys after it, comma-separated. Required with `DATABASE_URL`; with PGlite one is generated into `DATA_DIR/secret.key` when unset.', hint: 'generate one with: openssl rand -base64 32', secret }),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .meta({ description: 'Minimum level of log lines written.', hint: 'one of fatal, error, warn, info, debug, trace, silent' }),
    LOG_FORMAT: z
      .enum(['auto', 'json', 'pretty'])
      .default('auto')
      .meta({ description: '`json` writes one JSON object per line; `pretty` writes readable lines; `auto` is pretty on a terminal and JSON otherwise.', hint: 'one of auto, json, pretty' }),
    HTTP_BODY_LIMIT_BYTES: z.coerce
      .number({ error: 'must be a whole number of bytes' })
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .meta({ description: 'Largest request body accepted; larger bodies get 413 `http.body_too_large`.', hint: 'bytes, for example 1048576' }),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int()
      .min(1000)
      .default(10_000)
      .meta({ description: 'Time allowed to receive a request\'s headers before the connection is closed (slow-client protection).', hint: 'milliseconds, for example 10000' }),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int()
      .min(1000)
      .default(30_000)
      .meta({ description: 'Time allowed to receive a whole request before the connection is closed.', hint: 'milliseconds, for example 30000' }),
    FEISHU_APP_ID: z
      .string()
      .trim()
      .regex(/^cli_[A-Za-z0-9]{8,}$/, { error: 'must look like cli_ followed by letters and digits' })
      .optional()
      .meta({ description: 'App ID of the Feishu app of the `default` connection (developer console → Credentials).', hint: 'for example cli_a1b2c3d4e5f60718' }),
    FEISHU_APP_SECRET: z
      .string()
      .trim()
      .min(1)
      .optional()
      .meta({ description: 'App Secret of the `default` connection.', hint: 'copy it from the developer console', secret }),
    FEISHU_APP_TYPE: z
      .enum(['self_built', 'store'])
      .default('self_built')
      .meta({ description: '`self_built` for an app made for one tenant (企业自建应用); `store` for an App Store app (商店应用) installed by several tenants.', hint: 'self_built or store' }),
    FEISHU_ENCRYPT_KEY: z
      .string()
      .trim()
      .min(1)
      .optional()
      .meta({ description: 'Encrypt Key of the `default` connection (Events & Callbacks → Encryption Strategy). Pushes are then encrypted and signed.', hint: 'copy it from the developer console', secret }),
    FEISHU_VERIFICATION_TOKEN: z
      .string()
      .trim()
      .min(1)
      .optional()
      .meta({ description: 'Verification Token of the `default` connection (Events & Callbacks → Encryption Strategy).', hint: 'copy it from the developer console', secret }),
    FEISHU_DOMAIN: z
      .union([z.enum(['feishu', 'lark']), httpUrl])
      .default('feishu')
      .meta({ description: '`feishu` (open.feishu.cn), `lark` (open.larksuite.com), or a base URL such as a Feishu Emulator\'s.', hint: 'feishu, lark, or a URL such as http://127.0.0.1:9090' }),
    FEISHU_EVENT_MODE: z
      .enum(['http', 'websocket'])
      .default('http')
      .meta({ description: 'How the `default` connection receives events. `http`: Feishu pushes them to `PUBLIC_URL/feishu/default/events` (the Request URL in the console). `websocket`: the gateway holds a long connection to Feishu, for a gateway Feishu cannot reach (self-built apps only; choose "Receive events through persistent connection" in the console). Every instance holds one; each event reaches one of them.', hint: 'http or websocket' }),
    DEMO_MODE: z
      .enum(['auto', 'off'], { error: 'must be auto or off' })
      .default('auto')
      .meta({ description: '`auto`: with no Feishu connection and no `DATABASE_URL` configured, `start` runs in demo mode — the Feishu Emulator in-process with a seeded company, a synced directory and a demo API key (data in `DATA_DIR/demo`). `off`: start without a connection instead.', hint: 'auto or off' }),
    DIRECTORY_RECONCILE_INTERVAL_HOURS: z.coerce
      .number({ error: 'must be a number of hours' })
      .min(1)
      .max(24 * 365)
      .default(168)
      .meta({ description: 'The directory mirror is compared with Feishu and repaired (a reconcile) when its last full sync or reconcile is older than this; `feishu-gateway sync directory` runs one at once.', hint: 'hours; 168 is a week' }),
    DIRECTORY_SYNC_STEP_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(5)
      .max(600)
      .default(40)
      .meta({ description: 'A directory sync works in steps of this long, each checkpointed; a step held by a gateway that died is taken over after three times this.', hint: 'seconds, 5 to 600' }),
    EVENTS_MAX_AGE_HOURS: z.coerce
      .number({ error: 'must be a number of hours' })
      .min(8, { error: 'must be at least 8: Feishu retries a push for up to 7 hours' })
      .max(24 * 30)
      .default(24)
      .meta({ description: 'An inbound event whose signed creation time is older than this is answered 200 and dropped, so a captured request cannot be replayed once its id has left the de-duplication store.', hint: 'hours, at least 8; for example 24' }),
    EVENTS_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a number of days' })
      .min(7, { error: 'must be at least 7 days (Feishu\'s retry span and the replay window)' })
      .max(3650)
      .default(7)
      .meta({ description: 'How long inbound events (and so their ids, for de-duplication) are kept in the inbox.', hint: 'days, at least 7' }),
    EVENTS_HANDLER_TIMEOUT_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(5)
      .max(3_600)
      .default(60)
      .meta({ description: 'Lease of one event dispatch: handlers still running after this are treated as crashed and the event is run again (by any instance), also after a gateway was killed mid-dispatch. Heavy work belongs in a job of its own.', hint: 'seconds, 5 to 3600; for example 60' }),
    FEISHU_MONTHLY_CALL_QUOTA: z.coerce
      .number({ error: 'must be a whole number of calls' })
      .int()
      .min(0)
      .default(0)
      .meta({ description: 'Open API calls per app per month your Feishu plan allows; a warning is logged at 80 % and 95 %. 0 means no quota.', hint: 'a whole number, for example 10000; 0 for none' }),
    FEISHU_RATE_LIMIT_MULTIPLIER: z.coerce
      .number({ error: 'must be a number' })
      .min(0)
      .max(1000)
      .default(1)
      .meta({ description: 'Scales every outbound rate limit the gateway keeps to. Leave at 1 against Feishu; match a Feishu Emulator started with `--rate-limit-multiplier`. 0 lifts the limits.', hint: 'a number, 1 for Feishu' }),
    WEBHOOKS_ALLOWED_HOSTS: z
      .string()
      .trim()
      .refine((value) => value.split(',').every((entry) => isAllowedHostEntry(entry.trim())), {
        message: 'each entry must be a host name, an IP address or a CIDR range',
      })
      .optional()
      .meta({
        description: 'Internal webhook receivers the SSRF guard lets through, comma-separated: host names (matched exactly), IP addresses and CIDR ranges. Without an entry, change webhooks refuse loopback, private, link-local, unique-local, carrier-grade NAT and metadata destinations (docs/webhooks.md).',
        hint: 'for example hr.internal.example.com,10.20.0.0/16',
      }),
  })
  // `when` runs these cross-field checks even when a field failed, so every problem is reported at
  // once; they only test for presence, which holds for a field that failed its own check too.
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL !== undefined && env.GATEWAY_SECRET_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_SECRET_KEY'],
        message: 'is required when DATABASE_URL is set (instances sharing a database must share the key)',
      });
    }
    const feishuKeys = ['FEISHU_APP_ID', 'FEISHU_APP_SECRET', 'FEISHU_ENCRYPT_KEY', 'FEISHU_VERIFICATION_TOKEN'] as const;
    if (feishuKeys.some((key) => env[key] !== undefined)) {
      for (const key of ['FEISHU_APP_ID', 'FEISHU_APP_SECRET'] as const) {
        if (env[key] === undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'is required when a Feishu connection is configured' });
        }
      }
      // Feishu offers the long connection to self-built apps only (platform doc §5); a store
      // app's endpoint discovery is refused with code 403 for good.
      if (env.FEISHU_EVENT_MODE === 'websocket' && env.FEISHU_APP_TYPE === 'store') {
        ctx.addIssue({ code: 'custom', path: ['FEISHU_EVENT_MODE'], message: 'websocket (long connection) is for self-built apps only; a store app receives events over http' });
      }
      // A connection that can verify nothing would have to accept every push; refuse it here
      // rather than "skip the check" later (docs/feishu-platform.md §3).
      if (env.FEISHU_ENCRYPT_KEY === undefined && env.FEISHU_VERIFICATION_TOKEN === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['FEISHU_VERIFICATION_TOKEN'],
          message: 'FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN is required, or inbound events could not be verified',
        });
      }
    }
  }, { when: () => true });

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigKey = keyof typeof configSchema.shape;
