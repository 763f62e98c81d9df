import type { Context, Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import { readJson } from '../http/read-json.ts';
import { parseContactScope } from './contact-scope-input.ts';
import { generateOrg } from '../generator/generate-org.ts';
import { createApp, type EmulatorState } from '../state/emulator-state.ts';
import type { App, ContactScope, Tenant } from '../state/types.ts';

export type ControlHooks = {
  /** Replaces the whole world with a fresh one built from the same options. */
  reset(): void;
  resendAppTicket(app: App): void;
  /** Runs the url_verification handshake against the app's event request URL (events/). */
  verifyEventUrl(app: App): Promise<{ ok: boolean; detail: string }>;
  /** Reports a changed contact scope, for contact.scope.updated_v3 (events/). */
  contactScopeChanged(app: App, tenantKey: string, previous: ContactScope): void;
};

/**
 * The control API under `/_emulator/`: what a test or a developer uses to arrange the world
 * (apps, tenants, settings, time). JSON in, JSON out; errors are `{code, msg}` with a 4xx status.
 */
export function addControlRoutes(app: Hono, state: EmulatorState, hooks: ControlHooks): void {
  app.get('/_emulator/apps', (c) => c.json({ items: [...state.apps.values()].map(describeApp) }));

  app.post('/_emulator/apps', async (c) => {
    const body = await readJson(c);
    const type = body['type'] === 'store' ? 'store' : body['type'] === 'self_built' || body['type'] === undefined ? 'self_built' : undefined;
    if (type === undefined) throw controlError(400, 'type must be self_built or store');
    const tenantKeys = Array.isArray(body['tenant_keys']) ? (body['tenant_keys'] as unknown[]).map(String) : type === 'self_built' ? [state.defaultTenantKey] : [];
    if (type === 'self_built' && tenantKeys.length !== 1) throw controlError(400, 'a self-built app belongs to exactly one tenant');
    for (const tenantKey of tenantKeys) if (!state.tenants.has(tenantKey)) throw controlError(400, `unknown tenant ${tenantKey}`);
    const created = createApp(state, {
      type,
      tenantKeys,
      ...(typeof body['name'] === 'string' ? { name: body['name'] } : {}),
      ...(body['encrypt_key'] === null ? { encryptKey: null } : typeof body['encrypt_key'] === 'string' ? { encryptKey: body['encrypt_key'] } : {}),
      ...(typeof body['verification_token'] === 'string' ? { verificationToken: body['verification_token'] } : {}),
    });
    if (created.type === 'store') hooks.resendAppTicket(created);
    return c.json(describeApp(created), 201);
  });

  app.get('/_emulator/apps/:app_id', (c) => c.json(describeApp(findApp(state, c))));

  app.patch('/_emulator/apps/:app_id', async (c) => {
    const target = findApp(state, c);
    const body = await readJson(c);
    // Checked first, so a refused scope or mode leaves the app untouched.
    const contactScope = 'contact_scope' in body ? parseContactScope(state, target, body['contact_scope']) : undefined;
    if (body['silent'] !== undefined && typeof body['silent'] !== 'boolean') throw controlError(400, 'silent must be true or false');
    applyModes(target, body);
    const text = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
    if ('event_request_url' in body) target.eventRequestUrl = text('event_request_url');
    if ('card_request_url' in body) target.cardRequestUrl = text('card_request_url');
    if ('encrypt_key' in body) {
      if (body['encrypt_key'] !== null && typeof body['encrypt_key'] !== 'string') throw controlError(400, 'encrypt_key must be a string, or null for none');
      target.encryptKey = text('encrypt_key');
    }
    if (typeof body['verification_token'] === 'string') target.verificationToken = body['verification_token'];
    if (Array.isArray(body['redirect_urls'])) target.redirectUrls = (body['redirect_urls'] as unknown[]).map(String);
    if (Array.isArray(body['subscribed_events'])) target.subscribedEvents = new Set((body['subscribed_events'] as unknown[]).map(String));
    if (Array.isArray(body['scopes'])) target.scopes = new Set((body['scopes'] as unknown[]).map(String));
    if (contactScope !== undefined) {
      const previous = target.installations.get(contactScope.tenantKey);
      target.installations.set(contactScope.tenantKey, contactScope.scope);
      // `silent` changes the scope without contact.scope.updated_v3, like the directory routes.
      if (previous !== undefined && body['silent'] !== true) hooks.contactScopeChanged(target, contactScope.tenantKey, previous);
    }
    // Saving a request URL runs Feishu's url_verification handshake; the result is reported, and
    // the URL is kept either way so a receiver that is not up yet can be configured in advance.
    const urlVerification = typeof body['event_request_url'] === 'string' && body['event_request_url'] !== '' ? await hooks.verifyEventUrl(target) : undefined;
    return c.json({ ...describeApp(target), ...(urlVerification === undefined ? {} : { url_verification: urlVerification }) });
  });

  app.post('/_emulator/apps/:app_id/installations', async (c) => {
    const target = findApp(state, c);
    const body = await readJson(c);
    const tenantKey = typeof body['tenant_key'] === 'string' ? body['tenant_key'] : undefined;
    if (tenantKey === undefined || !state.tenants.has(tenantKey)) throw controlError(400, 'tenant_key must name an existing tenant');
    if (target.type === 'self_built') throw controlError(400, 'self-built apps cannot be installed in other tenants');
    target.installations.set(tenantKey, { departments: ['0'], users: [], groups: [] });
    return c.json(describeApp(target), 201);
  });

  app.get('/_emulator/tenants', (c) => c.json({ items: [...state.tenants.values()].map(describeTenant) }));

  app.post('/_emulator/tenants', async (c) => {
    const body = await readJson(c);
    const number = (key: string, fallback: number) => {
      const value = body[key] ?? fallback;
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_GENERATED) throw controlError(400, `${key} must be a whole number from 0 to ${MAX_GENERATED}`);
      return value as number;
    };
    const tenantKey = state.random.hex(16);
    const tenant = generateOrg({
      random: state.random,
      tenantKey,
      name: typeof body['name'] === 'string' ? body['name'] : `Tenant ${state.tenants.size + 1}`,
      domain: typeof body['domain'] === 'string' ? body['domain'] : `tenant${state.tenants.size + 1}.example`,
      users: number('users', 20),
      departments: number('departments', 4),
      now: state.clock.now(),
    });
    state.tenants.set(tenantKey, tenant);
    return c.json(describeTenant(tenant), 201);
  });

  app.get('/_emulator/clock', (c) => c.json({ now: state.clock.now(), time_scale: state.clock.timeScale }));

  app.post('/_emulator/clock/advance', async (c) => {
    const body = await readJson(c);
    const ms = typeof body['ms'] === 'number' ? body['ms'] : typeof body['seconds'] === 'number' ? body['seconds'] * 1000 : undefined;
    // Ten years is far beyond any Feishu schedule (6 h retries, 365-day refresh limit) and keeps
    // emulated dates representable.
    if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_ADVANCE_MS) throw controlError(400, 'give ms or seconds: a non-negative number, at most ten years');
    state.clock.advance(ms);
    return c.json({ now: state.clock.now() });
  });

  app.patch('/_emulator/settings', async (c) => {
    const body = await readJson(c);
    const maxRecursive = body['max_recursive_departments'];
    if (maxRecursive !== undefined) {
      if (!Number.isInteger(maxRecursive) || (maxRecursive as number) < 0) throw controlError(400, 'max_recursive_departments must be a whole number from 0');
      state.options = { ...state.options, maxRecursiveDepartments: maxRecursive as number };
    }
    return c.json({ max_recursive_departments: state.options.maxRecursiveDepartments, rate_limit_multiplier: state.options.rateLimitMultiplier });
  });

  app.post('/_emulator/reset', (c) => {
    hooks.reset();
    return c.json({ default_app_id: state.defaultAppId, default_tenant_key: state.defaultTenantKey });
  });
}

const MAX_ADVANCE_MS = 10 * 365 * 24 * 60 * 60 * 1000;
/** Far above the 100,000-person benchmark org, below what would exhaust memory. */
export const MAX_GENERATED = 1_000_000;


function findApp(state: EmulatorState, c: Context): App {
  const found = state.apps.get(c.req.param('app_id') ?? '');
  if (found === undefined) throw controlError(404, 'no such app');
  return found;
}

/**
 * `event_mode` / `callback_mode` (`http` or `websocket`) and `card_callback_style` (`v2` or
 * `legacy`). Long connection is for self-built apps only, and old-style callbacks never travel
 * over it (platform doc §4.2, §5), so those settings are refused rather than silently ignored.
 */
function applyModes(app: App, body: Record<string, unknown>): void {
  const choice = <T extends string>(key: string, allowed: readonly T[], current: T): T => {
    if (!(key in body)) return current;
    const value = body[key];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw controlError(400, `${key} must be ${allowed.join(' or ')}`);
    return value as T;
  };
  const eventMode = choice('event_mode', ['http', 'websocket'], app.eventMode);
  const callbackMode = choice('callback_mode', ['http', 'websocket'], app.callbackMode);
  const style = choice('card_callback_style', ['v2', 'legacy'], app.cardCallbackStyle);
  if (app.type === 'store' && (eventMode === 'websocket' || callbackMode === 'websocket')) throw controlError(400, 'long connection is for self-built apps only');
  if (style === 'legacy' && callbackMode === 'websocket') throw controlError(400, 'old-style card callbacks are not delivered over a long connection');
  Object.assign(app, { eventMode, callbackMode, cardCallbackStyle: style });
}

/** An app as the control API shows it: everything, secrets included (it is a test tool). */
export function describeApp(app: App): Record<string, unknown> {
  return {
    app_id: app.appId,
    app_secret: app.appSecret,
    type: app.type,
    name: app.name,
    encrypt_key: app.encryptKey ?? null,
    verification_token: app.verificationToken,
    event_request_url: app.eventRequestUrl ?? null,
    card_request_url: app.cardRequestUrl ?? null,
    redirect_urls: app.redirectUrls,
    subscribed_events: [...app.subscribedEvents],
    scopes: [...app.scopes],
    event_mode: app.eventMode,
    callback_mode: app.callbackMode,
    card_callback_style: app.cardCallbackStyle,
    installations: [...app.installations].map(([tenantKey, scope]) => ({ tenant_key: tenantKey, contact_scope: scope })),
    app_ticket: app.appTicket ?? null,
  };
}

function describeTenant(tenant: Tenant): Record<string, unknown> {
  return {
    tenant_key: tenant.tenantKey,
    name: tenant.name,
    domain: tenant.domain,
    users: tenant.users.size,
    departments: tenant.departments.size - 1,
    groups: tenant.groups.size,
  };
}
