export { addApiRoutes, API_PREFIX } from './add-api-routes.ts';
export { authenticateApiKey, requireScope } from './api-key-auth.ts';
export { apiKeyScopes, isApiKeyScope, type ApiKeyScope } from './api-key-scopes.ts';
export { createApiKeys, hashApiKey, type ApiKey, type ApiKeys } from './create-api-keys.ts';
export { parseApiKeysCommand, runApiKeysCommand, type ApiKeysCommand } from './api-keys-command.ts';
