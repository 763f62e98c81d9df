import type { RateWindow } from './rate-governor.ts';

/** Feishu's published tiers (platform doc §10): windows per API × app × tenant. */
export const TIERS = {
  tier3: [{ points: 100, seconds: 60 }],
  tier4: [
    { points: 1000, seconds: 60 },
    { points: 50, seconds: 1 },
  ],
  /** Bitable reads: 20/s. */
  tier8: [{ points: 20, seconds: 1 }],
  /** Bitable writes: 50/s. */
  tier9: [{ points: 50, seconds: 1 }],
  /** IM: 5/s per receiving user and per group chat, beside the per-app tier. */
  perTarget: [{ points: 5, seconds: 1 }],
} as const satisfies Record<string, readonly RateWindow[]>;

export type ApiDescription = {
  /** Named like the SDK method (`im.v1.message.create`), or `METHOD /path/:id` when not listed. */
  readonly name: string;
  readonly windows: readonly RateWindow[];
  /** `receiver`: the call also draws from the 5/s budget of the user or chat it sends to. */
  readonly target: 'receiver' | undefined;
  /** True for the auth v3 token endpoints, which the token store calls and nothing governs. */
  readonly tokenEndpoint: boolean;
  /** A read sent as POST (a search, a batch lookup): safe to send again after a failure. */
  readonly read: boolean;
};

type Entry = readonly [name: string, method: string, pattern: RegExp, windows: readonly RateWindow[], target: 'receiver' | undefined, read: boolean];

const id = '[^/]+';
const entry = (name: string, method: string, path: string, windows: readonly RateWindow[], options: { target?: 'receiver'; read?: boolean } = {}): Entry => [
  name,
  method,
  new RegExp(`^/open-apis/${path.replace(/:[a-z_]+/g, id)}$`),
  windows,
  options.target,
  options.read ?? method === 'GET',
];

// The APIs the gateway calls, with their documented tiers. "Special" limits (department get,
// parent, search; user_info) are unpublished; tier 4 is used for them. Literal paths come before
// the `:param` paths they would also match.
const CATALOGUE: readonly Entry[] = [
  entry('contact.v3.user.batch', 'GET', 'contact/v3/users/batch', TIERS.tier4),
  entry('contact.v3.user.find_by_department', 'GET', 'contact/v3/users/find_by_department', TIERS.tier4),
  entry('contact.v3.user.batch_get_id', 'POST', 'contact/v3/users/batch_get_id', TIERS.tier4, { read: true }),
  entry('contact.v3.user.get', 'GET', 'contact/v3/users/:user_id', TIERS.tier4),
  entry('contact.v3.scope.list', 'GET', 'contact/v3/scopes', TIERS.tier4),
  entry('contact.v3.group.simplelist', 'GET', 'contact/v3/group/simplelist', TIERS.tier4),
  entry('contact.v3.group_member.simplelist', 'GET', 'contact/v3/group/:group_id/member/simplelist', TIERS.tier4),
  entry('contact.v3.group.get', 'GET', 'contact/v3/group/:group_id', TIERS.tier4),
  entry('contact.v3.department.batch', 'GET', 'contact/v3/departments/batch', TIERS.tier4),
  entry('contact.v3.department.parent', 'GET', 'contact/v3/departments/parent', TIERS.tier4),
  entry('contact.v3.department.children', 'GET', 'contact/v3/departments/:department_id/children', TIERS.tier4),
  entry('contact.v3.department.get', 'GET', 'contact/v3/departments/:department_id', TIERS.tier4),
  entry('im.v1.message.create', 'POST', 'im/v1/messages', TIERS.tier4, { target: 'receiver' }),
  entry('im.v1.message.reply', 'POST', 'im/v1/messages/:message_id/reply', TIERS.tier4),
  entry('im.v1.message.patch', 'PATCH', 'im/v1/messages/:message_id', TIERS.tier4),
  entry('im.v1.message.update', 'PUT', 'im/v1/messages/:message_id', TIERS.tier4),
  entry('im.v1.message.get', 'GET', 'im/v1/messages/:message_id', TIERS.tier4),
  entry('im.v1.chat.create', 'POST', 'im/v1/chats', TIERS.tier4),
  entry('im.v1.chat.list', 'GET', 'im/v1/chats', TIERS.tier4),
  entry('im.v1.chat_members.get', 'GET', 'im/v1/chats/:chat_id/members', TIERS.tier4),
  entry('interactive.v1.card.update', 'POST', 'interactive/v1/card/update', TIERS.tier4),
  entry('authen.v1.user_info', 'GET', 'authen/v1/user_info', TIERS.tier4),
  // Authenticated by client credentials in the body, not a bearer token.
  entry('authen.v2.oauth.token', 'POST', 'authen/v2/oauth/token', TIERS.tier4),
  entry('bitable.v1.app_table_record.search', 'POST', 'bitable/v1/apps/:app_token/tables/:table_id/records/search', TIERS.tier8, { read: true }),
  entry('bitable.v1.app_table_record.list', 'GET', 'bitable/v1/apps/:app_token/tables/:table_id/records', TIERS.tier8),
  entry('bitable.v1.app_table_record.create', 'POST', 'bitable/v1/apps/:app_token/tables/:table_id/records', TIERS.tier9),
  entry('bitable.v1.app_table_record.batch_create', 'POST', 'bitable/v1/apps/:app_token/tables/:table_id/records/batch_create', TIERS.tier9),
  entry('bitable.v1.app_table_record.batch_update', 'POST', 'bitable/v1/apps/:app_token/tables/:table_id/records/batch_update', TIERS.tier9),
  entry('bitable.v1.app_table_record.update', 'PUT', 'bitable/v1/apps/:app_token/tables/:table_id/records/:record_id', TIERS.tier9),
  entry('approval.v4.instance.create', 'POST', 'approval/v4/instances', TIERS.tier3),
  entry('approval.v4.instance.get', 'GET', 'approval/v4/instances/:instance_id', TIERS.tier4),
];

/**
 * Names a call and finds its rate windows. Unlisted APIs are named by method and path with
 * id-like segments replaced (so they still get one budget per API, not one per id) and given
 * tier 4; a 429 then teaches the governor the real limit through `hold`.
 *
 * @example
 * describeApi('POST', '/open-apis/im/v1/messages').name // 'im.v1.message.create'
 */
export function describeApi(method: string, path: string): ApiDescription {
  const upper = method.toUpperCase();
  if (path.startsWith('/open-apis/auth/v3/')) return { name: `auth.v3.${path.slice('/open-apis/auth/v3/'.length).replaceAll('/', '.')}`, windows: [], target: undefined, tokenEndpoint: true, read: false };
  for (const [name, entryMethod, pattern, windows, target, read] of CATALOGUE) {
    if (entryMethod === upper && pattern.test(path)) return { name, windows, target, tokenEndpoint: false, read };
  }
  return { name: `${upper} ${genericPath(path)}`, windows: TIERS.tier4, target: undefined, tokenEndpoint: false, read: upper === 'GET' };
}

/** `/open-apis/x/v1/things/om_123/sub` → `/open-apis/x/v1/things/:id/sub`: ids carry digits, `_` or `-` with letters. */
function genericPath(path: string): string {
  return path
    .split('/')
    .map((segment, index) => (index > 3 && /\d/.test(segment) && /[a-z_-]/i.test(segment) ? ':id' : segment))
    .join('/');
}
