import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { allowRedirects, CALLBACK, clientOf, codeFor, s256, someUser, tokenV2 } from './oauth-support.ts';
import { control } from './support/sdk.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('authen/v2/oauth/token', () => {
  const perTest = emulatorPerTest();
  let emulator: Emulator | undefined;

  const start = async (seed: number) => {
    emulator = await perTest.start({ seed });
    await allowRedirects(emulator);
    return emulator;
  };
  const exchange = (e: Emulator, fields: Record<string, string>) => tokenV2(e, { grant_type: 'authorization_code', ...clientOf(e), ...fields });

  it('checks PKCE: S256 with the right verifier, 20049 with a wrong or missing one, and plain', async () => {
    const e = await start(21);
    const user = someUser(e).userId;
    expect(s256(VERIFIER)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); // RFC 7636 appendix B

    const s256Code = await codeFor(e, user, { code_challenge: s256(VERIFIER), code_challenge_method: 'S256' });
    const wrong = await exchange(e, { code: s256Code, code_verifier: `${VERIFIER.slice(0, -1)}x` });
    expect([wrong.status, wrong.body['code'], wrong.body['error']]).toEqual([400, 20049, 'invalid_grant']);
    const missing = await exchange(e, { code: s256Code });
    expect(missing.body['code']).toBe(20049);
    // A failed verification does not burn the code.
    const right = await exchange(e, { code: s256Code, code_verifier: VERIFIER });
    expect(right.body['code']).toBe(0);

    const plainCode = await codeFor(e, user, { code_challenge: VERIFIER });
    expect((await exchange(e, { code: plainCode, code_verifier: s256(VERIFIER).padEnd(43, 'x') })).body['code']).toBe(20049);
    expect((await exchange(e, { code: plainCode, code_verifier: VERIFIER })).body['code']).toBe(0);
  });

  it('accepts a code once (20065 after) and for 5 minutes (20004 after)', async () => {
    const e = await start(22);
    const code = await codeFor(e, someUser(e).userId);
    expect((await exchange(e, { code })).body['code']).toBe(0);
    const reused = await exchange(e, { code });
    expect([reused.status, reused.body['code'], reused.body['error']]).toEqual([400, 20065, 'invalid_grant']);

    const late = await codeFor(e, someUser(e).userId);
    await control(e, 'POST', '/_emulator/clock/advance', { seconds: 301 });
    const expired = await exchange(e, { code: late });
    expect([expired.status, expired.body['code']]).toEqual([400, 20004]);
    expect((await exchange(e, { code: 'not-a-code' })).body['code']).toBe(20003);
  });

  it('refuses bad clients, parameters and grant types with the documented codes', async () => {
    const e = await start(23);
    const code = await codeFor(e, someUser(e).userId);
    const other = await control<{ app_id: string; app_secret: string }>(e, 'POST', '/_emulator/apps', { type: 'self_built' });

    const cases: [Record<string, string>, number, string][] = [
      [{ grant_type: 'authorization_code', ...clientOf(e), client_secret: 'wrong', code }, 20002, 'invalid_client'],
      [{ grant_type: 'authorization_code', client_id: 'cli_0000000000000000', client_secret: 'x', code }, 20048, 'invalid_client'],
      [{ grant_type: 'authorization_code', ...clientOf(e) }, 20001, 'invalid_request'],
      [{ grant_type: 'authorization_code', client_id: clientOf(e).client_id, code }, 20001, 'invalid_request'],
      [{ ...clientOf(e), code }, 20001, 'invalid_request'],
      [{ grant_type: 'password', ...clientOf(e), code }, 20036, 'unsupported_grant_type'],
      [{ grant_type: 'authorization_code', client_id: other.app_id, client_secret: other.app_secret, code }, 20024, 'invalid_grant'],
      [{ grant_type: 'authorization_code', ...clientOf(e), code, redirect_uri: `${CALLBACK}/` }, 20071, 'invalid_grant'],
      [{ grant_type: 'authorization_code', ...clientOf(e), code, scope: 'contact:user.email:readonly' }, 20068, 'invalid_scope'],
    ];
    for (const [body, expected, error] of cases) {
      const answer = await tokenV2(e, body);
      expect([answer.status, answer.body['code'], answer.body['error']], JSON.stringify(body)).toEqual([400, expected, error]);
      expect(typeof answer.body['error_description']).toBe('string');
    }
    // None of the refusals used the code up.
    expect((await exchange(e, { code })).body['code']).toBe(0);

    const malformed = await tokenV2(e, {}, { raw: '{"grant_type":' });
    expect([malformed.status, malformed.body['code']]).toEqual([400, 20063]);
  });

  it('narrows scopes on request (20067 for duplicates) and returns refresh fields only with offline_access', async () => {
    const e = await start(24);
    const scope = 'offline_access contact:user.email:readonly contact:user.phone:readonly';
    const code = await codeFor(e, someUser(e, 1).userId, { scope });
    expect((await exchange(e, { code, scope: 'contact:user.phone:readonly contact:user.phone:readonly' })).body['code']).toBe(20067);
    const narrowed = await exchange(e, { code, scope: 'contact:user.phone:readonly offline_access' });
    expect(narrowed.body).toMatchObject({ code: 0, scope: 'contact:user.phone:readonly offline_access' });
    // Narrowing does not stack: a refresh may ask for any scope of the original grant.
    const refreshed = await tokenV2(e, { grant_type: 'refresh_token', ...clientOf(e), refresh_token: narrowed.body['refresh_token'] as string, scope: 'contact:user.email:readonly' });
    expect(refreshed.body).toMatchObject({ code: 0, scope: 'contact:user.email:readonly' });

    const withoutOffline = await exchange(e, { code: await codeFor(e, someUser(e, 2).userId, { scope: 'contact:user.email:readonly' }) });
    expect(withoutOffline.body).toMatchObject({ code: 0, scope: 'contact:user.email:readonly', token_type: 'Bearer', expires_in: 7200 });
    expect(withoutOffline.body).not.toHaveProperty('refresh_token');
    expect(withoutOffline.body).not.toHaveProperty('refresh_token_expires_in');
  });

  it('adds up scopes over successive authorizations of the same user', async () => {
    const e = await start(25);
    const user = someUser(e, 4).userId;
    await exchange(e, { code: await codeFor(e, user, { scope: 'offline_access' }) });
    const second = await exchange(e, { code: await codeFor(e, user, { scope: 'contact:user.phone:readonly' }) });
    expect(second.body).toMatchObject({ scope: 'contact:user.phone:readonly offline_access', refresh_token: expect.stringMatching(/^eyJ/) as unknown });
  });

  it('fails refresh with 20037 once the refresh token expires, 20064 once revoked, 20026 for unknown tokens', async () => {
    const e = await start(26);
    const user = someUser(e).userId;
    const first = await exchange(e, { code: await codeFor(e, user, { scope: 'offline_access' }) });
    const second = await exchange(e, { code: await codeFor(e, someUser(e, 1).userId, { scope: 'offline_access' }) });

    const revoked = await control(e, 'POST', '/_emulator/oauth/revoke', { app_id: e.state.defaultAppId, user_id: someUser(e, 1).userId });
    expect(revoked).toMatchObject({ revoked_refresh_tokens: 1 });
    const afterRevoke = await tokenV2(e, { grant_type: 'refresh_token', ...clientOf(e), refresh_token: second.body['refresh_token'] as string });
    expect([afterRevoke.status, afterRevoke.body['code']]).toEqual([400, 20064]);

    const unknown = await tokenV2(e, { grant_type: 'refresh_token', ...clientOf(e), refresh_token: 'ur-not-a-v2-token' });
    expect(unknown.body['code']).toBe(20026);

    await control(e, 'POST', '/_emulator/clock/advance', { seconds: 604_801 });
    const expired = await tokenV2(e, { grant_type: 'refresh_token', ...clientOf(e), refresh_token: first.body['refresh_token'] as string });
    expect([expired.status, expired.body['code']]).toEqual([400, 20037]);
  });

  it('takes form-encoded requests with HTTP Basic client credentials, but not Basic and client_secret together (20070)', async () => {
    const e = await start(27);
    const { client_id, client_secret } = clientOf(e);
    const basic = `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`;
    const code = await codeFor(e, someUser(e).userId);
    const form = (fields: Record<string, string>) => ({ raw: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } });

    const both = await tokenV2(e, {}, form({ grant_type: 'authorization_code', code, client_secret }));
    expect([both.status, both.body['code']]).toEqual([400, 20070]);
    const ok = await tokenV2(e, {}, form({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }));
    expect(ok.body).toMatchObject({ code: 0, token_type: 'Bearer' });
  });
});
