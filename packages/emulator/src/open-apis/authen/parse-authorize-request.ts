import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App } from '../../state/types.ts';
import type { PkceChallenge } from './oauth-store.ts';

export type AuthorizeRequest = {
  readonly app: App;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly scopes: readonly string[];
  readonly challenge: PkceChallenge | undefined;
};

/** A request the authorize page refuses outright: shown as an error page, never redirected. */
export type AuthorizeRefusal = { readonly code: number; readonly message: string };

/** Scopes any app may ask users for. `offline_access` is a console switch the emulator's apps always have. */
const ALWAYS_ALLOWED = new Set(['offline_access']);
const MAX_SCOPES = 50;

/**
 * Checks the query of `GET /open-apis/authen/v1/authorize` (or the legacy `/authen/v1/index`):
 * `client_id` or `app_id`, `redirect_uri` exactly on the app's allow-list (else 20029),
 * `response_type=code` when given, space-separated `scope` enabled for the app (else 20027),
 * optional PKCE (`plain` when no method is given, as Feishu documents).
 */
export function parseAuthorizeRequest(state: EmulatorState, query: Record<string, string>): AuthorizeRequest | AuthorizeRefusal {
  const appId = query['client_id'] ?? query['app_id'];
  if (appId === undefined || appId === '') return { code: 20001, message: 'Invalid request: client_id is required.' };
  const app = state.apps.get(appId);
  if (app === undefined) return { code: 20028, message: `Invalid app id: ${appId}` };

  const redirectUri = query['redirect_uri'];
  // Compared as exact strings: a trailing slash, an extra query parameter or another port is a
  // different URL, as on Feishu (security settings › redirect URLs).
  if (redirectUri === undefined || redirectUri === '' || !app.redirectUrls.includes(redirectUri)) {
    return { code: 20029, message: 'Invalid redirect uri: redirect_uri is not one of the redirect URLs configured for the app.' };
  }

  const responseType = query['response_type'];
  if (responseType !== undefined && responseType !== 'code') return { code: 20001, message: `Invalid request: unsupported response_type ${responseType}.` };

  const scopes = [...new Set((query['scope'] ?? '').split(' ').filter((scope) => scope !== ''))];
  if (scopes.length > MAX_SCOPES) return { code: 20001, message: `Invalid request: at most ${MAX_SCOPES} scopes per authorization.` };
  const notEnabled = scopes.filter((scope) => !app.scopes.has(scope) && !ALWAYS_ALLOWED.has(scope));
  if (notEnabled.length > 0) return { code: 20027, message: `The app has not enabled these scopes: ${notEnabled.join(' ')}` };

  const challengeValue = query['code_challenge'];
  const methodParam = query['code_challenge_method'] ?? 'plain';
  const method: PkceChallenge['method'] | undefined = methodParam === 'S256' || methodParam === 'plain' ? methodParam : undefined;
  if (method === undefined) return { code: 20001, message: 'Invalid request: code_challenge_method must be S256 or plain.' };
  const challenge = challengeValue === undefined || challengeValue === '' ? undefined : { value: challengeValue, method };

  const stateParam = query['state'];
  return { app, redirectUri, state: stateParam, scopes, challenge };
}

/**
 * Appends `params` to `redirectUri`'s query; a `#fragment` goes back after the query, as Feishu's
 * docs show (`…/callback?code=…&state=…#/login`). Parameters without a value are left out.
 */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const hash = redirectUri.indexOf('#');
  const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash);
  const fragment = hash === -1 ? '' : redirectUri.slice(hash);
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${search.toString()}${fragment}`;
}
