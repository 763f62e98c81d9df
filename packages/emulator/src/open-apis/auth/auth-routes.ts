import type { Hono } from 'hono';
import { authErrors } from './auth-errors.ts';
import { readJson } from '../../http/read-json.ts';
import { stringField } from '../../http/string-field.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App } from '../../state/types.ts';

/**
 * Token endpoints (auth v3). Unlike the rest of the Open API they answer at the top level, with
 * no `data` envelope. Failures are HTTP 200 with a non-zero code, as Feishu answers them.
 */
export function addAuthRoutes(app: Hono, state: EmulatorState, hooks: { resendAppTicket(app: App): void }): void {
  const credentials = (body: Record<string, unknown>): App => {
    const appId = stringField(body, 'app_id');
    const appSecret = stringField(body, 'app_secret');
    if (appId === undefined || appId === '' || appSecret === undefined || appSecret === '') throw authErrors.invalidParam();
    const found = state.apps.get(appId);
    if (found === undefined) throw authErrors.invalidParam('app_id not found');
    if (found.appSecret !== appSecret) throw authErrors.badSecret();
    return found;
  };

  app.post('/open-apis/auth/v3/tenant_access_token/internal', async (c) => {
    const caller = credentials(await readJson(c));
    const tenantKey = selfBuiltTenant(caller);
    const record = state.tokens.issue('tenant', caller.appId, tenantKey, { alsoAppToken: true });
    return c.json({ code: 0, msg: 'ok', tenant_access_token: record.token, expire: state.tokens.secondsLeft(record) });
  });

  // For a self-built app the app token and the tenant token are one and the same (doc example).
  app.post('/open-apis/auth/v3/app_access_token/internal', async (c) => {
    const caller = credentials(await readJson(c));
    const record = state.tokens.issue('tenant', caller.appId, selfBuiltTenant(caller), { alsoAppToken: true });
    return c.json({ code: 0, msg: 'ok', app_access_token: record.token, tenant_access_token: record.token, expire: state.tokens.secondsLeft(record) });
  });

  app.post('/open-apis/auth/v3/app_access_token', async (c) => {
    const body = await readJson(c);
    const caller = credentials(body);
    if (caller.type !== 'store') throw authErrors.invalidParam('app_access_token with app_ticket is for store apps');
    const ticket = stringField(body, 'app_ticket');
    if (ticket === undefined || ticket === '' || ticket !== caller.appTicket) throw authErrors.badTicket();
    const record = state.tokens.issue('app', caller.appId, undefined);
    return c.json({ code: 0, msg: 'ok', app_access_token: record.token, expire: state.tokens.secondsLeft(record) });
  });

  app.post('/open-apis/auth/v3/tenant_access_token', async (c) => {
    const body = await readJson(c);
    const appToken = stringField(body, 'app_access_token');
    const tenantKey = stringField(body, 'tenant_key');
    if (appToken === undefined || tenantKey === undefined) throw authErrors.invalidParam();
    const found = state.tokens.lookup(appToken);
    if ('problem' in found || found.record.kind !== 'app') throw authErrors.invalidAppToken();
    const caller = state.apps.get(found.record.appId);
    if (caller === undefined || !caller.installations.has(tenantKey)) throw authErrors.notInstalled();
    const record = state.tokens.issue('tenant', caller.appId, tenantKey);
    return c.json({ code: 0, msg: 'ok', tenant_access_token: record.token, expire: state.tokens.secondsLeft(record) });
  });

  app.post('/open-apis/auth/v3/app_ticket/resend', async (c) => {
    const caller = credentials(await readJson(c));
    if (caller.type !== 'store') throw authErrors.resendFailed('not a store app');
    hooks.resendAppTicket(caller);
    return c.json({ code: 0, msg: 'success' });
  });
}

function selfBuiltTenant(app: App): string {
  const [tenantKey] = app.installations.keys();
  if (app.type !== 'self_built' || tenantKey === undefined) throw authErrors.invalidParam('internal tokens are for self-built apps');
  return tenantKey;
}
