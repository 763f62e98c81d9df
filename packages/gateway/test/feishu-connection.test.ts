import { describe, expect, it } from 'vitest';
import { gatewaysAgainstEmulators } from './support/gateways-against-emulators.ts';

type Readiness = { status: string; checks: Record<string, { ok: boolean; reason?: string; advisory?: boolean }> };

describe('the default Feishu connection at start-up', () => {
  const startEmulatedGateway = gatewaysAgainstEmulators();

  it('is ready with the right credentials, and its client calls the Open API', async () => {
    const { gateway } = await startEmulatedGateway(91);
    const readiness = (await (await fetch(`${gateway.url}/readyz`)).json()) as Readiness;
    expect(readiness).toMatchObject({ status: 'ready', checks: { 'feishu:default': { ok: true } } });
    const answer = await gateway.feishu.client('default').contact.v3.department.get({ path: { department_id: '0' } });
    expect(answer.code).toBe(0);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/feishu_api_requests_total\{api="contact\.v3\.department\.get",code="0"\} 1/);
    expect(metrics).toMatch(/feishu_token_cache_total\{result="hit"\} \d+/);
    expect(() => gateway.feishu.client('other')).toThrow(expect.objectContaining({ code: 'feishu.unknown_connection' }) as Error);
  });

  it('starts and serves with a wrong App Secret, reporting the connection as failing with Feishu code', async () => {
    const { gateway, log } = await startEmulatedGateway(91, { env: { FEISHU_APP_SECRET: 'wrong-secret-value' }, logLevel: 'info' });
    const response = await fetch(`${gateway.url}/readyz`);
    // Advisory: a wrong secret fails on every instance alike, so it must not pull them all out of service.
    expect(response.status).toBe(200);
    const readiness = (await response.json()) as Readiness;
    expect(readiness.checks['feishu:default']).toMatchObject({ ok: false, advisory: true });
    expect(readiness.checks['feishu:default']?.reason).toMatch(/10015/);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(log.text()).toMatch(/Feishu connection failing/);
    expect(log.text()).not.toContain('wrong-secret-value');
  });
});
