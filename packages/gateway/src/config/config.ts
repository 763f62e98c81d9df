/** The validated, frozen configuration the composition root hands to every capability. */
export type Config = {
  readonly http: {
    readonly port: number;
    readonly host: string;
    /** Without a trailing slash. */
    readonly publicUrl: string | undefined;
    readonly bodyLimitBytes: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly database: {
    /** `undefined` selects the embedded PGlite database under `dataDir`. */
    readonly url: string | undefined;
    readonly poolSize: number;
    readonly startupTimeoutSeconds: number;
  };
  /** Where the outbound rate limits are counted when not in the database. */
  readonly redis: {
    readonly url: string | undefined;
  };
  /** Settings of the outbound Feishu client, for every connection. */
  readonly feishu: {
    /** Calls per app per month before warnings; 0 = no quota. */
    readonly monthlyCallQuota: number;
    /** Scales the rate limits kept to (1 against Feishu). */
    readonly rateLimitMultiplier: number;
  };
  /** Inbound events. */
  readonly events: {
    /** Older signed events are dropped (replay protection). */
    readonly maxAgeMs: number;
    /** How long inbox rows (and their ids) are kept. */
    readonly retentionMs: number;
    /** How long one dispatch may run before it is taken for crashed and run again. */
    readonly handlerTimeoutSeconds: number;
  };
  /** `auto`: no connection configured ⇒ demo mode against the in-process emulator. */
  readonly demoMode: 'auto' | 'off';
  /** The directory mirror. */
  readonly directory: {
    readonly reconcileIntervalMs: number;
    readonly syncStepSeconds: number;
  };
  /** Outbound change webhooks. */
  readonly webhooks: {
    /** Host names, IP addresses and CIDR ranges the SSRF guard lets through (lower case). */
    readonly allowedHosts: readonly string[];
  };
  /** Absolute path. */
  readonly dataDir: string;
  /** Base64 keys, current first; empty when none is configured (PGlite then generates one). */
  readonly secretKeys: readonly string[];
  readonly log: {
    readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
    readonly format: 'auto' | 'json' | 'pretty';
  };
  /** The connection defined by the FEISHU_* variables, named `default`; absent in demo mode. */
  readonly envConnection: FeishuConnectionConfig | undefined;
};

export type FeishuConnectionConfig = {
  readonly name: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly appType: 'self_built' | 'store';
  readonly encryptKey: string | undefined;
  readonly verificationToken: string | undefined;
  /** `feishu`, `lark`, or a base URL without a trailing slash. */
  readonly domain: string;
  /** How events arrive: pushed to the HTTP receiver, or over a long connection the gateway holds. */
  readonly eventMode: 'http' | 'websocket';
};

export type ConfigProblem = { readonly key: string; readonly message: string; readonly hint: string | undefined };
