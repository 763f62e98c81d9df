import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.ts';
import { someUsers } from './im-support.ts';
import { outcome } from './support/outcome.ts';
import { openApi, sdkClient } from './support/sdk.ts';

const card1 = { config: { wide_screen_mode: true }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'hi' } }] };
const card2 = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'hi' }] } };
const post = { zh_cn: { title: 'T', content: [[{ tag: 'text', text: 'a' }, { tag: 'a', href: 'https://example.com', text: 'b' }]] } };

describe('IM v1 message content validation', () => {
  let emulator: Emulator;
  let send: (msgType: string, content: unknown) => Promise<{ status: number; code: number | undefined }>;
  beforeAll(async () => {
    emulator = await createEmulator({ seed: 111, users: 10, rateLimitMultiplier: 0 });
    const client = sdkClient(emulator, emulator.defaultApp());
    const [userId = ''] = someUsers(emulator, 1);
    send = (msgType, content) =>
      outcome(
        client.im.v1.message.create({
          params: { receive_id_type: 'user_id' },
          data: { receive_id: userId, msg_type: msgType, content: typeof content === 'string' ? content : JSON.stringify(content) },
        }),
      );
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each([
    ['text', { text: 'hello' }],
    ['post', post],
    ['post', { en_us: { content: [] } }],
    ['image', { image_key: 'img_v2_123' }],
    ['file', { file_key: 'file_v2_123' }],
    ['audio', { file_key: 'file_v2_123' }],
    ['sticker', { file_key: 'file_v2_123' }],
    ['media', { file_key: 'file_v2_123', image_key: 'img_v2_123' }],
    ['share_chat', { chat_id: 'oc_123' }],
    ['share_user', { user_id: 'ou_123' }],
    ['system', { type: 'divider', params: { divider_text: { text: 'new session' } }, options: { need_rollup: true } }],
    ['interactive', card1],
    ['interactive', { header: { title: { tag: 'plain_text', content: 'only a header' } } }],
    ['interactive', card2],
    ['interactive', { type: 'template', data: { template_id: 'AAqk1234', template_variable: {} } }],
    ['interactive', { type: 'card', data: { card_id: '7355372766134157313' } }],
  ])('accepts a well-formed %s', async (msgType, content) => {
    expect(await send(msgType, content)).toEqual({ status: 200, code: 0 });
  });

  it.each([
    ['text', { txt: 'typo' }, 230001],
    ['text', 'not json', 230001],
    ['text', '"a bare string"', 230001],
    ['post', { zh_cn: { title: 'no content' } }, 230001],
    ['post', { zh_cn: { content: [{ tag: 'text', text: 'not wrapped in a paragraph' }] } }, 230001],
    ['post', { post: { zh_cn: { content: [] } } }, 230001],
    ['image', { file_key: 'x' }, 230001],
    ['file', { image_key: 'x' }, 230001],
    ['audio', {}, 230001],
    ['sticker', { file_key: '' }, 230001],
    ['media', { file_key: 'x' }, 230001],
    ['share_chat', { user_id: 'x' }, 230001],
    ['share_user', { chat_id: 'x' }, 230001],
    ['video', { file_key: 'x' }, 230001],
    ['interactive', { title: 'not a card' }, 230099],
    ['interactive', { schema: '2.0', elements: [] }, 230099],
    ['interactive', { type: 'template', data: {} }, 230099],
    ['interactive', '[1,2]', 230099],
  ])('refuses a malformed %s (%j) with %i', async (msgType, content, code) => {
    expect(await send(msgType, content)).toEqual({ status: 400, code });
  });

  it('refuses text over 150 KB and cards or posts over 30 KB with 230025', async () => {
    expect(await send('text', { text: 'x'.repeat(150 * 1024) })).toEqual({ status: 400, code: 230025 });
    expect(await send('text', { text: 'x'.repeat(100 * 1024) })).toEqual({ status: 200, code: 0 });
    const bigCard = { elements: [{ tag: 'markdown', content: 'y'.repeat(31 * 1024) }] };
    expect(await send('interactive', bigCard)).toEqual({ status: 400, code: 230025 });
    expect(await send('post', { zh_cn: { content: [[{ tag: 'text', text: 'z'.repeat(31 * 1024) }]] } })).toEqual({ status: 400, code: 230025 });
  });

  it('refuses a system message in a group with 230001', async () => {
    const client = sdkClient(emulator, emulator.defaultApp());
    const created = await client.im.v1.chat.create({ data: { name: 'sys', user_id_list: [] } });
    const result = await outcome(
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: created.data?.chat_id ?? '', msg_type: 'system', content: JSON.stringify({ type: 'divider' }) } }),
    );
    expect(result).toEqual({ status: 400, code: 230001 });
  });

  it('answers 9499 when content is not a string and 99992402 when it is missing', async () => {
    const { appId, appSecret } = emulator.defaultApp();
    const { body } = await openApi(emulator, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', { body: { app_id: appId, app_secret: appSecret } });
    const token = body['tenant_access_token'] as string;
    const [userId = ''] = someUsers(emulator, 1);
    const path = '/open-apis/im/v1/messages?receive_id_type=user_id';
    const asObject = await openApi(emulator, 'POST', path, { token, body: { receive_id: userId, msg_type: 'text', content: { text: 'object, not string' } } });
    expect([asObject.status, asObject.body['code']]).toEqual([400, 9499]);
    const missing = await openApi(emulator, 'POST', path, { token, body: { receive_id: userId, msg_type: 'text' } });
    expect([missing.status, missing.body['code']]).toEqual([400, 99992402]);
  });
});
