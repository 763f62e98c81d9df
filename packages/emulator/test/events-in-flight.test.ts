import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { deliveries, hire, subscribe } from './events-support.ts';
import { eventually } from './support/eventually.ts';
import { serve } from './support/serve.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';

/**
 * A receiver that answers the url_verification handshake at once and holds every event request
 * until the test releases it.
 */
async function holdingReceiver() {
  const held: { eventId: string; answer: (status: number) => void }[] = [];
  const served = await serve((request, response: http.ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { type?: string; challenge?: string; header?: { event_id: string } };
      if (parsed.type === 'url_verification') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: parsed.challenge }));
      held.push({ eventId: parsed.header?.event_id ?? '', answer: (status) => void response.writeHead(status, { 'content-type': 'application/json' }).end('{}') });
    });
  });
  return { held, ...served };
}

describe('the delivery log while a push is in flight', () => {
  const perTest = emulatorPerTest();

  it('lists the attempt as sending until the receiver answers, then updates that entry to delivered', async () => {
    const emulator = await perTest.start({ seed: 61, users: 5 });
    const holding = perTest.track(await holdingReceiver());
    const appId = emulator.defaultApp().appId;
    expect((await subscribe(emulator, appId, holding.url, ['contact.user.created_v3'], { encrypt_key: null })).url_verification?.ok).toBe(true);

    await hire(emulator, { name: 'In Flight' });
    const request = await eventually(() => holding.held[0]);
    const [sending] = await eventually(async () => {
      const items = await deliveries(emulator, `?app_id=${appId}`);
      return items.length > 0 ? items : undefined;
    });
    expect(sending).toMatchObject({ event_id: request.eventId, attempt: 1, duplicate: false, status: 'sending', http_status: null, error: null, next_attempt_at: null });
    // The filter knows the new status.
    expect(await deliveries(emulator, `?status=sending`)).toHaveLength(1);

    request.answer(200);
    const delivered = await eventually(async () => {
      const items = await deliveries(emulator, `?app_id=${appId}`);
      return items[0]?.status === 'delivered' ? items : undefined;
    });
    // Updated in place: still one entry for the attempt, with the outcome and its start time.
    expect(delivered).toEqual([{ ...sending, status: 'delivered', http_status: 200, duration_ms: expect.any(Number) as unknown }]);
    expect(await deliveries(emulator, `?status=sending`)).toEqual([]);
  });
});
