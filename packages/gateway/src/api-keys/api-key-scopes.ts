/**
 * What an API key may do, one scope per kind of access. Each `/api/v1` route names the one scope
 * it needs. New capabilities add theirs here (and to the description of `api_keys.invalid`).
 */
export const apiKeyScopes = {
  'events:read': 'List and read inbound events (`GET /api/v1/events`); never their payloads.',
  'events:replay': 'Dispatch stored events again (`POST /api/v1/events/replay`).',
  'directory:read': 'Read the synchronised directory (`/api/v1/directory/…`).',
  'directory:sync': 'Start a reconcile or a full sync of the directory (`POST /api/v1/directory/sync`).',
  'webhooks:manage': 'Create, list, disable and delete change webhooks and read their delivery logs (`/api/v1/webhooks`).',
} as const;

export type ApiKeyScope = keyof typeof apiKeyScopes;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return Object.hasOwn(apiKeyScopes, value);
}
