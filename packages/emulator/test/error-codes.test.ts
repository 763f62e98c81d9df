import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../src/errors/error-catalogue.ts';
import type { FeishuError } from '../src/errors/feishu-error.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { openApi } from './support/sdk.ts';

/** `area → "code HTTP"` lines of docs/error-codes.md. */
function documented(): Map<string, Set<string>> {
  const areas = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of readFileSync(new URL('../docs/error-codes.md', import.meta.url), 'utf8').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading?.[1] !== undefined) areas.set(heading[1], (current = new Set()));
    const row = /^\| (\d+) \| (\d{3}) \|/.exec(line);
    if (row !== null) current?.add(`${row[1]} ${row[2]}`);
  }
  return areas;
}

function registered(): Map<string, Set<string>> {
  const areas = new Map<string, Set<string>>();
  for (const [area, factories] of Object.entries(errorCatalogue)) {
    const entries = new Set<string>();
    for (const factory of Object.values(factories)) {
      // Every parameter is text or a list of text; a one-item list serves as either.
      const error = Reflect.apply(factory, undefined, Array<unknown>(factory.length).fill(['x'])) as FeishuError;
      entries.add(`${String(error.code)} ${error.status}`);
    }
    areas.set(area, entries);
  }
  return areas;
}

describe('error codes', () => {
  const emulators = emulatorPerTest();

  it('documents every code the emulator answers, with its HTTP status, and no other', () => {
    const docs = documented();
    const registry = registered();
    expect([...docs.keys()]).toEqual([...registry.keys()]);
    for (const [area, entries] of registry) expect([...(docs.get(area) ?? [])].sort(), area).toEqual([...entries].sort());
  });

  it('writes each body shape as documented', async () => {
    const emulator = await emulators.start({ seed: 3, users: 5, departments: 2 });
    const openApiShape = await openApi(emulator, 'GET', '/open-apis/contact/v3/users/ou_nobody');
    expect(openApiShape.status).toBe(400);
    expect({ ...openApiShape.body, msg: typeof openApiShape.body['msg'] }).toEqual({ code: 99991661, msg: 'string', error: { log_id: openApiShape.headers.get('x-tt-logid') } });

    const oauth = await openApi(emulator, 'POST', '/open-apis/authen/v2/oauth/token', { body: { grant_type: 'password' } });
    expect(oauth.status).toBe(400);
    expect({ ...oauth.body, error_description: typeof oauth.body['error_description'] }).toEqual({ code: 20036, error: 'unsupported_grant_type', error_description: 'string' });

    const hook = await openApi(emulator, 'POST', '/open-apis/bot/v2/hook/no-such-hook', { body: { msg_type: 'text', content: { text: 'hi' } } });
    expect(hook.status).toBe(200);
    expect({ ...hook.body, msg: typeof hook.body['msg'] }).toEqual({ code: 19001, msg: 'string', data: {} });

    const control = await openApi(emulator, 'PATCH', '/_emulator/apps/cli_0000000000000000', { body: {} });
    expect(control.status).toBe(404);
    expect(control.body).toEqual({ code: 'not_found', msg: 'no such app' });
  });
});
