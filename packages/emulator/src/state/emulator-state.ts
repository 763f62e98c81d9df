import { createClock, type Clock } from '../clock/create-clock.ts';
import { generateOrg } from '../generator/generate-org.ts';
import { createLogIds } from '../http/log-id.ts';
import { createTokenStore, type TokenStore } from '../tokens/token-store.ts';
import { createRandom, type Random } from './random.ts';
import type { App, AppType, Tenant } from './types.ts';

export type EmulatorOptions = {
  /** Same seed ⇒ same organisation, ids and fault decisions. Default 42. */
  readonly seed?: number;
  /** People in the default tenant. Default 100. */
  readonly users?: number;
  /** Departments in the default tenant. Default 12. */
  readonly departments?: number;
  /** Emulated time runs this many times faster than real time. Default 1. */
  readonly timeScale?: number;
  /** Multiplies every rate limit (for benchmarks that must not be throttled). Default 1. */
  readonly rateLimitMultiplier?: number;
  /** `children?fetch_child=true` answers 43010 above this many descendants. Default 1,000. */
  readonly maxRecursiveDepartments?: number;
};

/**
 * Everything the emulator knows. `POST /_emulator/reset` replaces the fields in place, so routes
 * read them at request time rather than capturing them.
 */
export type EmulatorState = {
  /**
   * The identity of the current world. Each area keeps its own store (OAuth grants, messages,
   * rate-limit counters, fault rules) in a `WeakMap` keyed by this object; reset makes a new one,
   * so every store starts empty and the old ones can be freed.
   */
  world: object;
  options: Required<EmulatorOptions>;
  clock: Clock;
  random: Random;
  tokens: TokenStore;
  logId: () => string;
  apps: Map<string, App>;
  tenants: Map<string, Tenant>;
  defaultAppId: string;
  defaultTenantKey: string;
};

/** Scopes the default app is granted: everything the emulator implements. */
export const ALL_SCOPES: readonly string[] = [
  'contact:contact:readonly_as_app',
  'contact:contact.base:readonly',
  'contact:user.base:readonly',
  'contact:user.email:readonly',
  'contact:user.phone:readonly',
  'contact:user.employee_id:readonly',
  'contact:user.employee:readonly',
  'contact:department.base:readonly',
  'contact:group:readonly',
  'im:message',
  'im:message:send_as_bot',
  'im:chat',
  'im:chat:readonly',
];

export function createEmulatorState(options: EmulatorOptions = {}): EmulatorState {
  const resolved: Required<EmulatorOptions> = {
    seed: options.seed ?? 42,
    users: options.users ?? 100,
    departments: options.departments ?? 12,
    timeScale: options.timeScale ?? 1,
    rateLimitMultiplier: options.rateLimitMultiplier ?? 1,
    maxRecursiveDepartments: options.maxRecursiveDepartments ?? 1_000,
  };
  const random = createRandom(resolved.seed);
  const clock = createClock({ timeScale: resolved.timeScale });
  const tenant = generateOrg({
    random,
    tenantKey: random.hex(16),
    name: 'Acme Emulated Co.',
    domain: 'acme.example',
    users: resolved.users,
    departments: resolved.departments,
    now: clock.now(),
  });
  const state: EmulatorState = {
    world: Object.freeze({}),
    options: resolved,
    clock,
    random,
    tokens: createTokenStore(clock, random),
    logId: createLogIds(() => clock.now(), random),
    apps: new Map(),
    tenants: new Map([[tenant.tenantKey, tenant]]),
    defaultAppId: '',
    defaultTenantKey: tenant.tenantKey,
  };
  const app = createApp(state, { type: 'self_built', name: 'Emulated App', tenantKeys: [tenant.tenantKey] });
  return { ...state, defaultAppId: app.appId };
}

export type CreateAppInput = {
  type: AppType;
  name?: string;
  tenantKeys?: readonly string[];
  encryptKey?: string | null;
  verificationToken?: string;
  appSecret?: string;
};

/** Registers an app (self-built apps are installed in exactly one tenant) with every scope granted. */
export function createApp(state: Pick<EmulatorState, 'random' | 'apps'>, input: CreateAppInput): App {
  const { random } = state;
  const app: App = {
    appId: `cli_${random.hex(16)}`,
    appSecret: input.appSecret ?? random.hex(32),
    type: input.type,
    name: input.name ?? (input.type === 'store' ? 'Emulated Store App' : 'Emulated App'),
    encryptKey: input.encryptKey === null ? undefined : (input.encryptKey ?? random.hex(32)),
    verificationToken: input.verificationToken ?? random.hex(32),
    eventRequestUrl: undefined,
    cardRequestUrl: undefined,
    redirectUrls: [],
    subscribedEvents: new Set(),
    scopes: new Set(ALL_SCOPES),
    eventMode: 'http',
    callbackMode: 'http',
    cardCallbackStyle: 'v2',
    installations: new Map((input.tenantKeys ?? []).map((tenantKey) => [tenantKey, { departments: ['0'], users: [], groups: [] }])),
    appTicket: undefined,
  };
  state.apps.set(app.appId, app);
  return app;
}
