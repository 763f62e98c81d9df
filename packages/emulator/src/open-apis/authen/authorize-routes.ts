import type { Context, Hono } from 'hono';
import type { EmulatorState } from '../../state/emulator-state.ts';
import { completeLogin, type LoginChoice } from './complete-login.ts';
import { LOGIN_PATH, renderErrorPage, renderLoginPage } from './login-page.ts';
import { urlSafeRandom } from './mint-tokens.ts';
import { oauthStoreOf, PENDING_LIFETIME_MS } from './oauth-store.ts';
import { parseAuthorizeRequest, type AuthorizeRefusal } from './parse-authorize-request.ts';

/**
 * The browser side of OAuth: `GET /open-apis/authen/v1/authorize` (accounts.feishu.cn in
 * production; one base URL here), the legacy `GET /open-apis/authen/v1/index`, and the login
 * page's form target. A bad request gets an error page (HTTP 400) and no redirect; a good one
 * gets the login page, or, when a user was pre-selected through the control API, a 302 straight
 * to the callback.
 */
export function addAuthorizeRoutes(app: Hono, state: EmulatorState): void {
  const refuse = (c: Context, refusal: AuthorizeRefusal) => c.html(renderErrorPage(refusal.code, refusal.message), 400);

  const authorize = (c: Context) => {
    const request = parseAuthorizeRequest(state, c.req.query());
    if ('code' in request) return refuse(c, request);
    const store = oauthStoreOf(state);
    const pending = {
      id: urlSafeRandom(state.random, 32),
      appId: request.app.appId,
      redirectUri: request.redirectUri,
      state: request.state,
      scopes: request.scopes,
      challenge: request.challenge,
      expiresAt: state.clock.now() + PENDING_LIFETIME_MS,
    };

    const preselected = store.nextLogin.get(request.app.appId) ?? store.nextLogin.get('*');
    if (preselected !== undefined) {
      store.nextLogin.delete(store.nextLogin.has(request.app.appId) ? request.app.appId : '*');
      const outcome = completeLogin(state, pending, 'deny' in preselected ? preselected : { tenantKey: preselected.tenantKey, login: preselected.userId });
      return 'redirect' in outcome ? c.redirect(outcome.redirect, 302) : refuse(c, outcome);
    }

    store.pending.set(pending.id, pending);
    store.sweep();
    const tenants = [...request.app.installations.keys()].flatMap((tenantKey) => {
      const tenant = state.tenants.get(tenantKey);
      return tenant === undefined ? [] : [tenant];
    });
    return c.html(renderLoginPage(request.app, pending, tenants), 200);
  };

  app.get('/open-apis/authen/v1/authorize', authorize);
  app.get('/open-apis/authen/v1/index', authorize);

  app.post(LOGIN_PATH, async (c) => {
    let form: Awaited<ReturnType<typeof c.req.parseBody>>;
    try {
      form = await c.req.parseBody();
    } catch {
      return refuse(c, { code: 20001, message: 'The sign-in form could not be read; start again from the app.' });
    }
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    const store = oauthStoreOf(state);
    const pending = store.pending.get(field('request_id') ?? '');
    if (pending === undefined || pending.expiresAt <= state.clock.now()) {
      return refuse(c, { code: 20001, message: 'This sign-in request has expired or was already answered; start again from the app.' });
    }
    const login = field('user_id') ?? field('login');
    let choice: LoginChoice;
    if (field('action') === 'deny') choice = { deny: true };
    else if (login !== undefined && login.trim() !== '') choice = { tenantKey: field('tenant_key'), login: login.trim() };
    else return refuse(c, { code: 20001, message: 'Invalid request: choose a user or deny.' });

    const outcome = completeLogin(state, pending, choice);
    if (!('redirect' in outcome)) return refuse(c, outcome);
    store.pending.delete(pending.id);
    return c.redirect(outcome.redirect, 302);
  });
}
