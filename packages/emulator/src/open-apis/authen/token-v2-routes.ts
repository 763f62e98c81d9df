import type { Context, Hono } from 'hono';
import { tryReadJson } from '../../http/read-json.ts';
import type { EmulatorState } from '../../state/emulator-state.ts';
import type { App } from '../../state/types.ts';
import { findCode, findRefreshToken, grantFrom, type CodeProblem, type GrantProblem, type RefreshProblem } from './find-grant.ts';
import { issueV2Tokens } from './issue-user-tokens.ts';
import type { FeishuError } from '../../errors/feishu-error.ts';
import { oauthErrors } from './oauth-errors.ts';
import { verifyPkce } from './verify-pkce.ts';

type Fields = Record<string, string>;

/**
 * `POST /open-apis/authen/v2/oauth/token`: the RFC 6749 token endpoint (`authorization_code`
 * with optional PKCE and scope narrowing, `refresh_token` with rotation). Answers at the top
 * level; failures are `{code, error, error_description}` with HTTP 400.
 */
export function addTokenV2Routes(app: Hono, state: EmulatorState): void {
  app.post('/open-apis/authen/v2/oauth/token', async (c) => {
    const body = await readTokenRequest(c);
    const grantType = body['grant_type'];
    if (grantType === undefined) throw oauthErrors.missingParameter('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw oauthErrors.unsupportedGrantType();
    const client = authenticateClient(state, c, body);
    return c.json(grantType === 'authorization_code' ? exchangeCode(state, client, body) : refresh(state, client, body), 200);
  });
}

function exchangeCode(state: EmulatorState, client: App, body: Fields): Record<string, unknown> {
  const code = required(body, 'code');
  const found = findCode(state, client.appId, code);
  if ('problem' in found) throw CODE_ERRORS[found.problem]();
  const { record } = found;
  const redirectUri = body['redirect_uri'];
  if (redirectUri !== undefined && redirectUri !== '' && redirectUri !== record.redirectUri) throw oauthErrors.redirectMismatch();
  if (record.challenge !== undefined && !verifyPkce(record.challenge, body['code_verifier'])) throw oauthErrors.pkceFailed();
  const tokenScopes = narrow(body['scope'], record.scopes);
  const granted = grantFrom(state, record);
  if ('problem' in granted) throw GRANT_ERRORS[granted.problem]();
  record.used = true;
  return issueV2Tokens(state, granted.grant, tokenScopes);
}

function refresh(state: EmulatorState, client: App, body: Fields): Record<string, unknown> {
  const token = required(body, 'refresh_token');
  const found = findRefreshToken(state, client.appId, token, 'v2');
  if ('problem' in found) throw REFRESH_ERRORS[found.problem]();
  const tokenScopes = narrow(body['scope'], found.record.scopes);
  const granted = grantFrom(state, found.record);
  if ('problem' in granted) throw GRANT_ERRORS[granted.problem]();
  // Rotation: the old refresh token dies now; access tokens issued from it live on until expiry.
  found.record.status = 'used';
  return issueV2Tokens(state, granted.grant, tokenScopes);
}

const CODE_ERRORS: Record<CodeProblem, () => FeishuError> = {
  unknown: oauthErrors.codeNotFound,
  other_client: oauthErrors.otherClient,
  used: oauthErrors.codeUsed,
  expired: oauthErrors.codeExpired,
};

const REFRESH_ERRORS: Record<RefreshProblem, () => FeishuError> = {
  unknown: oauthErrors.refreshInvalid,
  other_client: oauthErrors.otherClient,
  used: oauthErrors.refreshUsed,
  revoked: oauthErrors.refreshRevoked,
  expired: oauthErrors.refreshExpired,
};

const GRANT_ERRORS: Record<GrantProblem, () => FeishuError> = {
  not_installed: oauthErrors.notInstalled,
  missing: oauthErrors.userMissing,
  resigned: oauthErrors.userStatusInvalid,
  frozen: oauthErrors.userStatusInvalid,
  unregistered: oauthErrors.userStatusInvalid,
};

/**
 * The token's scopes: all granted ones, or the requested subset. Narrowing does not stack: each
 * call narrows from the full grant (docs of the `scope` parameter).
 */
function narrow(requested: string | undefined, granted: readonly string[]): string[] {
  if (requested === undefined || requested.trim() === '') return [...granted];
  const scopes = requested.split(' ').filter((scope) => scope !== '');
  if (new Set(scopes).size !== scopes.length) throw oauthErrors.duplicateScopes();
  if (scopes.some((scope) => !granted.includes(scope))) throw oauthErrors.scopeNotPermitted();
  return scopes.sort();
}

/**
 * The client: `client_id` + `client_secret` in the body (as documented), or HTTP Basic as
 * standard OAuth libraries send it; both at once is 20070.
 */
function authenticateClient(state: EmulatorState, c: Context, body: Fields): App {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization')?.trim() ?? '');
  let clientId = body['client_id'];
  let clientSecret = body['client_secret'];
  if (basic?.[1] !== undefined) {
    if (clientSecret !== undefined) throw oauthErrors.twoClientAuthMethods();
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw oauthErrors.malformed('Basic credentials must be client_id:client_secret.');
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      throw oauthErrors.malformed('Basic credentials are not valid percent-encoding.');
    }
  }
  if (clientId === undefined || clientId === '') throw oauthErrors.missingParameter('client_id');
  if (clientSecret === undefined || clientSecret === '') throw oauthErrors.missingParameter('client_secret');
  const client = state.apps.get(clientId);
  if (client === undefined) throw oauthErrors.appMissing();
  if (client.appSecret !== clientSecret) throw oauthErrors.badClientSecret();
  return client;
}

function required(body: Fields, name: string): string {
  const value = body[name];
  if (value === undefined || value === '') throw oauthErrors.missingParameter(name);
  return value;
}

/** JSON (as documented) or `application/x-www-form-urlencoded` (as RFC 6749 clients send); string fields only. */
async function readTokenRequest(c: Context): Promise<Fields> {
  const fields: Fields = {};
  if ((c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(await c.req.text())) fields[key] ??= value;
    return fields;
  }
  const read = await tryReadJson(c);
  if ('problem' in read) {
    if (read.problem === 'empty') return fields;
    throw oauthErrors.malformed(read.problem === 'not-json' ? 'The body is not valid JSON.' : 'The body must be a JSON object.');
  }
  for (const [key, value] of Object.entries(read.body)) if (typeof value === 'string') fields[key] = value;
  return fields;
}
