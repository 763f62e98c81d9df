import type { WindowLimit } from './rate-limiter.ts';

/**
 * The documented frequency limits of the APIs the emulator serves (platform doc §10, from Feishu's
 * `api-call-guide/uUzN04SN3QjL1cDN.md` and each API's page). Limits count per API × app × tenant.
 */
const perMinute = (limit: number): WindowLimit => ({ windowMs: 60_000, limit });
const perSecond = (limit: number): WindowLimit => ({ windowMs: 1_000, limit });

export const TIERS = {
  /** Tier 3: 100/min. */
  tier3: [perMinute(100)],
  /** Tier 4: 1000/min and 50/s. */
  tier4: [perMinute(1000), perSecond(50)],
  /** Tier 8: 20/s. */
  tier8: [perSecond(20)],
  /** Tier 9: 50/s. */
  tier9: [perSecond(50)],
  /**
   * "Special" (non-standard, not published). The emulator uses tier 4 so that a caller written
   * against the published tiers behaves plausibly.
   */
  special: [perMinute(1000), perSecond(50)],
  /** Custom-bot webhooks: 100/min and 5/s per bot (§7.4). */
  customBot: [perMinute(100), perSecond(5)],
  /** IM: 5 QPS per receiving user, per chat (shared by all bots), per patched card. */
  perTarget: [perSecond(5)],
} as const satisfies Record<string, readonly WindowLimit[]>;

/**
 * Who a call is counted against: the app and tenant of its bearer token, the app named by an
 * OAuth `client_id`, or the custom bot named by the hook token in the path.
 */
export type CallerSource = 'token' | 'oauth-client' | 'hook';

/**
 * Extra IM counters beside the per-app one: `receiver` (the user or chat a new message goes to),
 * `message-chat` (the chat of the message named in the path: a reply or an edit lands there) and
 * `patched-message` (the card itself).
 */
export type TargetRule = 'receiver' | 'message-chat' | 'patched-message';

export type RateLimitPolicy = {
  /** Named like the SDK method, e.g. `contact.v3.user.get`. */
  readonly api: string;
  readonly method: string;
  /** A Hono-style path with `:params`. */
  readonly path: string;
  readonly limits: readonly WindowLimit[];
  readonly caller: CallerSource;
  readonly target?: TargetRule;
};

const policy = (api: string, method: string, path: string, limits: readonly WindowLimit[], extra: Partial<Pick<RateLimitPolicy, 'caller' | 'target'>> = {}): RateLimitPolicy => ({
  api,
  method,
  path,
  limits,
  caller: extra.caller ?? 'token',
  ...(extra.target === undefined ? {} : { target: extra.target }),
});

const contact = '/open-apis/contact/v3';
const im = '/open-apis/im/v1';
const bitable = '/open-apis/bitable/v1/apps/:app_token';
const approval = '/open-apis/approval/v4';

/**
 * Checked in order; the first match wins, so literal segments (`/users/batch`) come before the
 * `:param` routes they would otherwise match. Paths not listed (auth v3 token endpoints among them)
 * are not limited.
 */
export const RATE_LIMIT_POLICIES: readonly RateLimitPolicy[] = [
  // Contact v3.
  policy('contact.v3.user.batch', 'GET', `${contact}/users/batch`, TIERS.tier4),
  policy('contact.v3.user.find_by_department', 'GET', `${contact}/users/find_by_department`, TIERS.tier4),
  policy('contact.v3.user.batch_get_id', 'POST', `${contact}/users/batch_get_id`, TIERS.tier4),
  policy('contact.v3.user.get', 'GET', `${contact}/users/:user_id`, TIERS.tier4),
  policy('contact.v3.scope.list', 'GET', `${contact}/scopes`, TIERS.tier4),
  policy('contact.v3.group.simplelist', 'GET', `${contact}/group/simplelist`, TIERS.tier4),
  policy('contact.v3.group.member_belong', 'GET', `${contact}/group/member_belong`, TIERS.tier4),
  policy('contact.v3.group_member.simplelist', 'GET', `${contact}/group/:group_id/member/simplelist`, TIERS.tier4),
  policy('contact.v3.group.get', 'GET', `${contact}/group/:group_id`, TIERS.tier4),
  policy('contact.v3.department.batch', 'GET', `${contact}/departments/batch`, TIERS.tier4),
  policy('contact.v3.department.parent', 'GET', `${contact}/departments/parent`, TIERS.special),
  policy('contact.v3.department.search', 'POST', `${contact}/departments/search`, TIERS.special),
  policy('contact.v3.department.children', 'GET', `${contact}/departments/:department_id/children`, TIERS.tier4),
  policy('contact.v3.department.get', 'GET', `${contact}/departments/:department_id`, TIERS.special),
  policy('contact.v3.employee_type_enum.list', 'GET', `${contact}/employee_type_enums`, TIERS.special),

  // IM v1: messages and chats are tier 4, plus the per-target caps.
  policy('im.v1.message.create', 'POST', `${im}/messages`, TIERS.tier4, { target: 'receiver' }),
  policy('im.v1.message.reply', 'POST', `${im}/messages/:message_id/reply`, TIERS.tier4, { target: 'message-chat' }),
  policy('im.v1.message.patch', 'PATCH', `${im}/messages/:message_id`, TIERS.tier4, { target: 'patched-message' }),
  policy('im.v1.message.update', 'PUT', `${im}/messages/:message_id`, TIERS.tier4, { target: 'message-chat' }),
  policy('im.v1.message.get', 'GET', `${im}/messages/:message_id`, TIERS.tier4),
  policy('im.v1.chat.search', 'GET', `${im}/chats/search`, TIERS.tier4),
  policy('im.v1.chat.create', 'POST', `${im}/chats`, TIERS.tier4),
  policy('im.v1.chat.list', 'GET', `${im}/chats`, TIERS.tier4),
  policy('im.v1.chat.get', 'GET', `${im}/chats/:chat_id`, TIERS.tier4),
  policy('im.v1.chat.update', 'PUT', `${im}/chats/:chat_id`, TIERS.tier4),
  policy('im.v1.chat.delete', 'DELETE', `${im}/chats/:chat_id`, TIERS.tier4),
  policy('im.v1.chat_members.is_in_chat', 'GET', `${im}/chats/:chat_id/members/is_in_chat`, TIERS.tier4),
  policy('im.v1.chat_members.me_join', 'PATCH', `${im}/chats/:chat_id/members/me_join`, TIERS.tier4),
  policy('im.v1.chat_members.get', 'GET', `${im}/chats/:chat_id/members`, TIERS.tier4),
  policy('im.v1.chat_members.create', 'POST', `${im}/chats/:chat_id/members`, TIERS.tier4),
  policy('im.v1.chat_members.delete', 'DELETE', `${im}/chats/:chat_id/members`, TIERS.tier4),

  // Delayed card update with a callback token (tier 4 in the API list).
  policy('interactive.v1.card.update', 'POST', '/open-apis/interactive/v1/card/update', TIERS.tier4),

  // Custom-bot webhooks (no token; counted per hook).
  policy('bot.v2.hook', 'POST', '/open-apis/bot/v2/hook/:hook_token', TIERS.customBot, { caller: 'hook' }),
  policy('bot.hook', 'POST', '/open-apis/bot/hook/:hook_token', TIERS.customBot, { caller: 'hook' }),

  // OAuth: authorize and the token grants are tier 4; user_info is "special".
  policy('authen.v1.authorize', 'GET', '/open-apis/authen/v1/authorize', TIERS.tier4, { caller: 'oauth-client' }),
  policy('authen.v1.index', 'GET', '/open-apis/authen/v1/index', TIERS.tier4, { caller: 'oauth-client' }),
  policy('authen.v2.oauth.token', 'POST', '/open-apis/authen/v2/oauth/token', TIERS.tier4, { caller: 'oauth-client' }),
  policy('authen.v1.oidc.access_token', 'POST', '/open-apis/authen/v1/oidc/access_token', TIERS.tier4),
  policy('authen.v1.oidc.refresh_access_token', 'POST', '/open-apis/authen/v1/oidc/refresh_access_token', TIERS.tier4),
  policy('authen.v1.access_token', 'POST', '/open-apis/authen/v1/access_token', TIERS.tier4),
  policy('authen.v1.refresh_access_token', 'POST', '/open-apis/authen/v1/refresh_access_token', TIERS.tier4),
  policy('authen.v1.user_info', 'GET', '/open-apis/authen/v1/user_info', TIERS.special),

  // Bitable v1: record writes 50/s, reads 20/s.
  policy('bitable.v1.app_table_record.search', 'POST', `${bitable}/tables/:table_id/records/search`, TIERS.tier8),
  policy('bitable.v1.app_table_record.batch_get', 'POST', `${bitable}/tables/:table_id/records/batch_get`, TIERS.tier8),
  policy('bitable.v1.app_table_record.batch_create', 'POST', `${bitable}/tables/:table_id/records/batch_create`, TIERS.tier9),
  policy('bitable.v1.app_table_record.batch_update', 'POST', `${bitable}/tables/:table_id/records/batch_update`, TIERS.tier9),
  policy('bitable.v1.app_table_record.batch_delete', 'POST', `${bitable}/tables/:table_id/records/batch_delete`, TIERS.tier9),
  policy('bitable.v1.app_table_record.create', 'POST', `${bitable}/tables/:table_id/records`, TIERS.tier9),
  policy('bitable.v1.app_table_record.list', 'GET', `${bitable}/tables/:table_id/records`, TIERS.tier8),
  policy('bitable.v1.app_table_record.get', 'GET', `${bitable}/tables/:table_id/records/:record_id`, TIERS.tier8),
  policy('bitable.v1.app_table_record.update', 'PUT', `${bitable}/tables/:table_id/records/:record_id`, TIERS.tier9),
  policy('bitable.v1.app_table_record.delete', 'DELETE', `${bitable}/tables/:table_id/records/:record_id`, TIERS.tier9),
  policy('bitable.v1.app_table_field.list', 'GET', `${bitable}/tables/:table_id/fields`, TIERS.tier8),
  policy('bitable.v1.app_table.list', 'GET', `${bitable}/tables`, TIERS.tier8),

  // Approval v4: most calls 100/min; instance get and approval create tier 4.
  policy('approval.v4.instance.cancel', 'POST', `${approval}/instances/cancel`, TIERS.tier3),
  policy('approval.v4.instance.create', 'POST', `${approval}/instances`, TIERS.tier3),
  policy('approval.v4.instance.list', 'GET', `${approval}/instances`, TIERS.tier3),
  policy('approval.v4.instance.get', 'GET', `${approval}/instances/:instance_id`, TIERS.tier4),
  policy('approval.v4.task.approve', 'POST', `${approval}/tasks/approve`, TIERS.tier3),
  policy('approval.v4.task.reject', 'POST', `${approval}/tasks/reject`, TIERS.tier3),
  policy('approval.v4.approval.subscribe', 'POST', `${approval}/approvals/:approval_code/subscribe`, TIERS.tier3),
  policy('approval.v4.approval.create', 'POST', `${approval}/approvals`, TIERS.tier4),
  policy('approval.v4.approval.get', 'GET', `${approval}/approvals/:approval_code`, TIERS.tier3),
];
