import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { openIdOf, type App, type Emulator } from '../src/index.ts';
import { control, silentLogger } from './support/sdk.ts';

/** The part of the SDK's (axios) error that carries Feishu's answer. */
type AxiosError<Data> = { response?: { status: number; data: Data } };

/** HTTP status and Feishu code of a settled SDK call: the body's on success, the AxiosError's body on failure. */
export async function outcome(call: Promise<unknown>): Promise<{ status: number; code: number | undefined }> {
  try {
    return { status: 200, code: ((await call) as { code?: number }).code };
  } catch (thrown) {
    const error = thrown as AxiosError<{ code?: number }>;
    if (error.response === undefined) throw thrown;
    return { status: error.response.status, code: error.response.data.code };
  }
}

/** The first `count` active people of the default tenant (tenant user_ids). */
export function someUsers(emulator: Emulator, count: number): string[] {
  const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
  return [...(tenant?.users.values() ?? [])].filter((user) => !user.deleted && !user.status.isResigned).slice(0, count).map((user) => user.userId);
}

export function emailOf(emulator: Emulator, userId: string): string {
  const user = emulator.state.tenants.get(emulator.state.defaultTenantKey)?.users.get(userId);
  if (user === undefined) throw new Error(`no user ${userId}`);
  return user.email;
}

export function openId(emulator: Emulator, app: App, userId: string): string {
  return openIdOf(app, emulator.state.defaultTenantKey, userId);
}

export type InboxItem = {
  message_id: string;
  chat_id: string;
  chat_type: string;
  msg_type: string;
  content: Record<string, unknown>;
  sender: Record<string, unknown>;
  mentions: Record<string, unknown>[];
  updated: boolean;
  edit_count: number;
  patch_count: number;
  parent_id?: string;
  root_id?: string;
  thread_id?: string;
};

export async function inbox(emulator: Emulator, id: string): Promise<{ type: string; chat_ids: string[]; items: InboxItem[] }> {
  return control(emulator, 'GET', `/_emulator/inbox/${encodeURIComponent(id)}`);
}

/** A group made through the control API, with `bots` in it (each gets `im.chat.member.bot.added_v1`). */
export async function group(emulator: Emulator, userIds: string[], bots: string[]): Promise<string> {
  const created = await control<{ chat_id: string }>(emulator, 'POST', '/_emulator/chats', { name: 'Test group', user_ids: userIds, bot_app_ids: bots });
  return created.chat_id;
}

/**
 * A real event receiver: the SDK's EventDispatcher behind `adaptDefault`, given the app's
 * Encrypt Key, collecting what it dispatches (signatures checked by the SDK).
 */
export async function eventReceiver(app: App, eventTypes: string[]): Promise<{ url: string; received: Record<string, unknown>[]; close: () => Promise<void> }> {
  const received: Record<string, unknown>[] = [];
  const handlers = Object.fromEntries(
    eventTypes.map((type) => [
      type,
      async (data: Record<string, unknown>) => {
        received.push(data);
        return 'ok';
      },
    ]),
  );
  const dispatcher = new lark.EventDispatcher({ encryptKey: app.encryptKey ?? '', verificationToken: app.verificationToken, logger: silentLogger }).register(handlers);
  const handle = lark.adaptDefault('/events', dispatcher, { autoChallenge: true });
  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `check` holds (events arrive asynchronously), failing after `ms`. */
export async function eventually(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
