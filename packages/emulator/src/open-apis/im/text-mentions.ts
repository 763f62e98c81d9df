import { findUserByAnyId } from '../../state/find-user-by-any-id.ts';
import type { UserIdType } from '../../state/ids.ts';
import type { App, Tenant } from '../../state/types.ts';
import type { StoredMention } from './message-store.ts';

const AT_TAG = /<at\s+user_id\s*=\s*"([^"]*)"\s*>([^<]*)<\/at>/g;

/**
 * Feishu stores a bot's text `<at user_id="ou_…">Tom</at>` as the placeholder `@_user_1` plus an
 * entry in `mentions` (create.md response example). `<at user_id="all">` becomes `@_all`. A tag
 * naming nobody known is left as plain `@name`.
 */
export function extractTextMentions(app: App, tenant: Tenant, text: string): { text: string; mentions: StoredMention[] } {
  const mentions: StoredMention[] = [];
  const replaced = text.replace(AT_TAG, (_tag, id: string, name: string) => {
    if (id === 'all') return '@_all';
    const user = findUserByAnyId(tenant, app, id, [familyOf(id)]);
    if (user === undefined || user.deleted) return `@${name}`;
    const key = `@_user_${mentions.length + 1}`;
    mentions.push({ key, name: name === '' ? user.name : name, userId: user.userId });
    return key;
  });
  return { text: replaced, mentions };
}

/** The family of an `<at>` id, read from its prefix: `ou_` open_id (as `app` sees it), `on_` union_id, else user_id. */
function familyOf(id: string): UserIdType {
  if (id.startsWith('ou_')) return 'open_id';
  return id.startsWith('on_') ? 'union_id' : 'user_id';
}
