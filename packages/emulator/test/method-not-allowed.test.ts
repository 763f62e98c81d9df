import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import { openApi } from './support/sdk.ts';

// Platform doc §11: 99991201 for an unknown path, 99991301 for a known path with the wrong method.
describe('wrong HTTP method and unknown paths', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ seed: 51, users: 5 });
  });
  afterAll(() => emulator.close());

  it('answers a GET on the POST-only token endpoint with 405, 99991301 and an allow header', async () => {
    const answer = await openApi(emulator, 'GET', '/open-apis/auth/v3/tenant_access_token/internal');
    expect(answer.status).toBe(405);
    expect(answer.body).toMatchObject({ code: 99991301, error: { log_id: answer.headers.get('x-tt-logid') } });
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('lists every method registered for a path with parameters', async () => {
    const answer = await openApi(emulator, 'DELETE', '/open-apis/im/v1/messages/om_anything');
    expect([answer.status, answer.body['code']]).toEqual([405, 99991301]);
    expect(answer.headers.get('allow')).toBe('GET, PATCH, PUT');
  });

  it('keeps 404 and 99991201 for a path no method serves', async () => {
    const answer = await openApi(emulator, 'GET', '/open-apis/auth/v3/no_such_token/internal');
    expect([answer.status, answer.body['code']]).toEqual([404, 99991201]);
    expect(answer.headers.get('allow')).toBeNull();
    expect(answer.body).toMatchObject({ error: { log_id: expect.any(String) as unknown } });
  });
});
