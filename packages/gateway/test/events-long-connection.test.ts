import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../emulator/src/index.ts';
import type { InboundEvent } from '../src/events/index.ts';
import { control } from './support/emulator-control.ts';
import { startGatewayAgainst } from './support/start-gateway-against.ts';
import { until } from './support/until.ts';

const USER_CREATED = 'contact.user.created_v3';
// Feishu sends plaintext over the long connection, so these gateways are set up without an Encrypt Key.
const websocketMode = { FEISHU_EVENT_MODE: 'websocket', FEISHU_ENCRYPT_KEY: undefined };

describe('a gateway in long-connection mode (FEISHU_EVENT_MODE=websocket)', () => {
  it('connects at start-up, reports it in /readyz, and stores and handles pushed events once', async () => {
    const emulator = await createEmulator({ seed: 121, users: 10, departments: 2 });
    const app = emulator.defaultApp();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    const { gateway } = await startGatewayAgainst(emulator, { env: websocketMode });
    try {
      const handled: InboundEvent[] = [];
      gateway.events.registry.on(USER_CREATED, async (event) => void handled.push(event));
      await until(async () => {
        const readiness = (await (await fetch(`${gateway.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
        return readiness.checks['feishu:default:long-connection']?.ok === true ? true : undefined;
      });
      await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Over The Socket' });
      await until(() => (handled.length > 0 ? true : undefined));
      const rows = await gateway.database.kysely.selectFrom('event_inbox').select(['transport', 'status']).execute();
      await until(async () => ((await gateway.database.kysely.selectFrom('event_inbox').select('status').executeTakeFirst())?.status === 'handled' ? true : undefined));
      expect(rows.map((row) => row.transport)).toEqual(['websocket']);
      expect(handled).toHaveLength(1);
      expect(((handled[0]?.payload['event'] as Record<string, unknown>)['object'] as { name: string }).name).toBe('Over The Socket');
    } finally {
      await gateway.stop();
      await emulator.close();
    }
  }, 60_000);

  it('answers a card click over the long connection; the toast and card travel back in the ack', async () => {
    const emulator = await createEmulator({ seed: 122, users: 10, departments: 2 });
    const app = emulator.defaultApp();
    await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_mode: 'websocket', callback_mode: 'websocket' });
    const { gateway } = await startGatewayAgainst(emulator, { env: websocketMode });
    try {
      const card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });
      gateway.events.cardActions.on('ack', async () => ({ toast: { type: 'success', content: 'Acknowledged' }, card: card('Acknowledged by you') }));
      await until(async () => ((await control<{ items: unknown[] }>(emulator, 'GET', `/_emulator/long-connections?app_id=${app.appId}`)).items.length === 1 ? true : undefined));
      const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
      const alice = [...(tenant?.users.values() ?? [])].find((user) => !user.deleted && !user.status.isResigned)?.userId ?? '';
      const { chat_id: chatId } = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { name: 'Cards', user_ids: [alice], bot_app_ids: [app.appId] });
      const sent = await gateway.feishu.client('default').im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card('Acknowledge?')) } });
      const outcome = await control<{ status: string; toast: Record<string, unknown> | null; card_updated: boolean }>(emulator, 'POST', '/_emulator/cards/click', {
        message_id: sent.data?.message_id,
        user_id: alice,
        action: { tag: 'button', value: { ack: true } },
      });
      expect(outcome).toMatchObject({ status: 'answered', toast: { type: 'success', content: 'Acknowledged' }, card_updated: true });
      // Callbacks are answered, not stored.
      expect(await gateway.database.kysely.selectFrom('event_inbox').select('id').execute()).toEqual([]);
    } finally {
      await gateway.stop();
      await emulator.close();
    }
  }, 60_000);
});
