import { describe, expect, it } from 'vitest';
import { group, inbox, someUsers } from './im-support.ts';
import { emulatorPerTest } from './support/emulator-per-test.ts';
import { control, sdkClient } from './support/sdk.ts';
import { sdkWsClient } from './support/sdk-ws-client.ts';

const v2Card = (title: string) => ({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: title }] } });

type AppView = { app_id: string; app_secret: string };
type ClickOutcome = { status: string; error_code: number | null; toast: Record<string, unknown> | null; card_updated: boolean };

describe('card callbacks over the long connection (platform doc §5.2)', () => {
  const perTest = emulatorPerTest();

  it('sends card.action.trigger as an event frame to the SDK WSClient; the toast and card come back in the ack', async () => {
    const emulator = await perTest.start({ seed: 71, users: 10, departments: 2 });
    const app = await control<AppView>(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { callback_mode: 'websocket' });
    const received: Record<string, unknown>[] = [];
    perTest.track(
      await sdkWsClient(emulator, app, ['card.action.trigger'], {
        handlers: {
          'card.action.trigger': (data) => {
            received.push(data);
            return { toast: { type: 'info', content: 'Noted over the wire' }, card: { type: 'raw', data: v2Card('Noted') } };
          },
        },
      }),
    );
    const [alice = ''] = someUsers(emulator, 2).slice(1);
    const chatId = await group(emulator, [alice], [app.app_id]);
    const sent = await sdkClient(emulator, emulator.defaultApp()).im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(v2Card('Acknowledge?')) },
    });
    const messageId = sent.data?.message_id ?? '';

    const outcome = await control<ClickOutcome>(emulator, 'POST', '/_emulator/cards/click', { message_id: messageId, user_id: alice, action: { value: { ack: true } } });
    expect(outcome).toMatchObject({ status: 'answered', error_code: null, toast: { type: 'info', content: 'Noted over the wire' }, card_updated: true });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event_type: 'card.action.trigger', action: { value: { ack: true } }, context: { open_message_id: messageId } });

    const callbacks = (await control<{ items: Record<string, unknown>[] }>(emulator, 'GET', `/_emulator/cards/callbacks?message_id=${messageId}`)).items;
    expect(callbacks).toEqual([expect.objectContaining({ mode: 'websocket', status: 'answered', toast: { type: 'info', content: 'Noted over the wire' } })]);
    const card = (await inbox(emulator, chatId)).items.find((item) => item.message_id === messageId);
    expect(JSON.stringify(card?.content)).toContain('Noted');
    // The callback travelled as an event frame and its answer in the ack.
    const frames = (await control<{ items: { type: string; ack_code: number | null }[] }>(emulator, 'GET', `/_emulator/long-connections/frames?app_id=${app.app_id}`)).items;
    expect(frames.filter((frame) => frame.type === 'event')).toHaveLength(1);
    expect(frames.filter((frame) => frame.type === 'ack').map((frame) => frame.ack_code)).toEqual([200]);
  });
});
