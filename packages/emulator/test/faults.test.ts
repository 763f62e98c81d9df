import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import { outcome } from './support/outcome.ts';
import { control, memoryCache, openApi, sdkClient } from './support/sdk.ts';

type Rule = { id: string; remaining: number | null; matched: number; fired: number };
type Counter = { api: string; scope: string; app_id: string | null; accepted: number; throttled: number };

const getRoot = (client: ReturnType<typeof sdkClient>) => outcome(client.contact.v3.department.get({ path: { department_id: '0' } }));

describe('injected faults', () => {
  let emulators: Emulator[] = [];
  const start = async (seed: number) => {
    const emulator = await createEmulator({ seed });
    emulators.push(emulator);
    return emulator;
  };
  afterEach(async () => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
    emulators = [];
  });

  it('fails every matching call at rate 1 with the given status, and only matching ones', async () => {
    const emulator = await start(31);
    const client = sdkClient(emulator, emulator.defaultApp());
    const rule = await control<Rule & { path: string; status: number; rate: number }>(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/*', rate: 1, status: 503 });
    expect(rule).toMatchObject({ id: expect.stringMatching(/^flt_/) as unknown, path: '/open-apis/contact/*', status: 503, rate: 1, app_id: null });

    for (let index = 0; index < 3; index += 1) expect(await getRoot(client)).toEqual({ status: 503, code: 2200 });
    // The token endpoint is outside the rule's path and keeps working.
    const token = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: emulator.defaultApp().appId, app_secret: emulator.defaultApp().appSecret } });
    expect(token.body['code']).toBe(0);
    expect((await control<{ items: Rule[] }>(emulator, 'GET', '/_emulator/faults')).items[0]).toMatchObject({ matched: 3, fired: 3 });

    expect(await control(emulator, 'DELETE', `/_emulator/faults/${rule.id}`)).toEqual({ deleted: 1 });
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
  });

  it('answers a Feishu code with HTTP 400 by default, with log id headers and body', async () => {
    const emulator = await start(32);
    const client = sdkClient(emulator, emulator.defaultApp());
    await control(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/v3/departments', method: 'get', rate: 1, code: 99991672 });
    expect(await getRoot(client)).toEqual({ status: 400, code: 99991672 });
    const token = (await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: emulator.defaultApp().appId, app_secret: emulator.defaultApp().appSecret } })).body['tenant_access_token'] as string;
    const raw = await openApi(emulator, 'GET', '/open-apis/contact/v3/departments/0', { token });
    expect(raw.headers.get('x-tt-logid')).toBeTruthy();
    expect(raw.body).toMatchObject({ code: 99991672, msg: expect.any(String) as unknown, error: { log_id: raw.headers.get('x-tt-logid') } });
  });

  it('applies a counted rule to the next N matching calls only', async () => {
    const emulator = await start(33);
    const client = sdkClient(emulator, emulator.defaultApp());
    await control(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/', rate: 1, status: 500, count: 2 });
    expect(await getRoot(client)).toEqual({ status: 500, code: 2200 });
    expect(await getRoot(client)).toEqual({ status: 500, code: 2200 });
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
    expect((await control<{ items: Rule[] }>(emulator, 'GET', '/_emulator/faults')).items[0]).toMatchObject({ remaining: 0, matched: 2, fired: 2 });
  });

  it('scopes a rule to one app', async () => {
    const emulator = await start(34);
    const other = await control<{ app_id: string; app_secret: string }>(emulator, 'POST', '/_emulator/apps', { type: 'self_built' });
    await control(emulator, 'POST', '/_emulator/faults', { app_id: other.app_id, rate: 1, status: 500 });
    expect(await getRoot(sdkClient(emulator, emulator.defaultApp()))).toEqual({ status: 200, code: 0 });
    // The other app's token request is attributed by its body's app_id, so it fails too.
    const token = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: other.app_id, app_secret: other.app_secret } });
    expect(token.status).toBe(500);
  });

  it('adds at least the injected latency', async () => {
    const emulator = await start(35);
    const client = sdkClient(emulator, emulator.defaultApp());
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
    await control(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/*', rate: 1, latency_ms: 200 });
    const started = performance.now();
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
    // 1 ms of slack: Node's timers measure from the loop's cached time.
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
  });

  it('draws the same pass/fail sequence from the same seed', async () => {
    const run = async (seed: number) => {
      const emulator = await start(seed);
      const client = sdkClient(emulator, emulator.defaultApp());
      await control(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/*', rate: 0.5, status: 500 });
      const sequence: boolean[] = [];
      for (let index = 0; index < 40; index += 1) sequence.push((await getRoot(client)).status === 200);
      return sequence;
    };
    const first = await run(36);
    const second = await run(36);
    expect(second).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('invalidates the current token: the next SDK call gets 99991663, a freshly fetched token works', async () => {
    const emulator = await start(37);
    const app = emulator.defaultApp();
    const client = sdkClient(emulator, app);
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });

    const invalidated = await control<{ invalidated: number }>(emulator, 'POST', '/_emulator/faults/invalidate-token', { app_id: app.appId });
    expect(invalidated.invalidated).toBeGreaterThanOrEqual(1);
    // The SDK keeps its cached token and does not retry.
    expect(await getRoot(client)).toEqual({ status: 400, code: 99991663 });

    const fresh = sdkClient(emulator, app);
    expect(await getRoot(fresh)).toEqual({ status: 200, code: 0 });
  });

  it('recovers from an invalidated token once the SDK\'s cached copy expires', async () => {
    const emulator = await start(41);
    const app = emulator.defaultApp();
    const cache = memoryCache();
    const client = sdkClient(emulator, app, cache);
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
    await control(emulator, 'POST', '/_emulator/faults/invalidate-token', { app_id: app.appId });
    expect(await getRoot(client)).toEqual({ status: 400, code: 99991663 });

    // The SDK cached the token until (real) expiry less 3 minutes; make that moment now.
    const [key, entry] = [...cache.entries].find(([, cached]) => typeof cached.value === 'string' && cached.value.startsWith('t-')) ?? [];
    expect(entry?.expiresAt).toBeGreaterThan(Date.now() + 60 * 60_000);
    cache.entries.set(key!, { ...entry!, expiresAt: Date.now() });
    expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
  });

  it('refuses malformed rules with 400', async () => {
    const emulator = await start(38);
    const post = (body: unknown) => fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ rate: 2, status: 500 })).status).toBe(400);
    expect((await post({ rate: 0.5 })).status).toBe(400);
    expect((await post({ path: 'contact', status: 500 })).status).toBe(400);
    expect((await post({ app_id: 'cli_0000000000000000', status: 500 })).status).toBe(404);
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/faults')).items).toEqual([]);
  });

  it('clears every rule with DELETE /_emulator/faults', async () => {
    const emulator = await start(39);
    await control(emulator, 'POST', '/_emulator/faults', { rate: 1, status: 500 });
    await control(emulator, 'POST', '/_emulator/faults', { rate: 1, code: 2200 });
    expect(await control(emulator, 'DELETE', '/_emulator/faults')).toEqual({ deleted: 2 });
    expect(await getRoot(sdkClient(emulator, emulator.defaultApp()))).toEqual({ status: 200, code: 0 });
  });

  it('starts a reset world without rules or rate-limit counters', async () => {
    const emulator = await start(40);
    const client = sdkClient(emulator, emulator.defaultApp());
    // Counted traffic first (a faulted call never reaches the limiter, token requests are not limited).
    for (let index = 0; index < 3; index += 1) expect(await getRoot(client)).toEqual({ status: 200, code: 0 });
    const counted = (await control<{ items: Counter[] }>(emulator, 'GET', '/_emulator/rate-limits?api=contact.v3.department.get')).items;
    expect(counted).toEqual([expect.objectContaining({ scope: 'app', app_id: emulator.defaultApp().appId, accepted: 3, throttled: 0 })]);
    await control(emulator, 'POST', '/_emulator/faults', { path: '/open-apis/contact/*', rate: 1, status: 500 });
    expect(await getRoot(client)).toEqual({ status: 500, code: 2200 });
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/faults')).items).toHaveLength(1);

    await control(emulator, 'POST', '/_emulator/reset');
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/faults')).items).toEqual([]);
    expect((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/rate-limits')).items).toEqual([]);
    // A new client: the reset world does not know the old one's token.
    expect(await getRoot(sdkClient(emulator, emulator.defaultApp()))).toEqual({ status: 200, code: 0 });
  });
});
