import { openIdOf, type App, type Emulator } from '../src/index.ts';
import { control } from './support/sdk.ts';

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
