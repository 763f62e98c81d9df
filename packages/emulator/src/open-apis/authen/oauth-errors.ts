import { FeishuError } from '../../errors/feishu-error.ts';

/**
 * A failure of `authen/v2/oauth/token`, answered RFC 6749 style at the top level:
 * `{code, error, error_description}` (no `msg`, no `data`), HTTP 400.
 */
const oauth = (code: number, error: string, description: string) => new FeishuError(400, code, description, { error }, 'oauth');

// Codes and descriptions of the token endpoint's docs (get- and refresh-user-access-token).
export const oauthErrors = {
  missingParameter: (name: string) => oauth(20001, 'invalid_request', `The request is missing a required parameter: ${name}.`),
  badClientSecret: () => oauth(20002, 'invalid_client', 'The client secret is invalid.'),
  codeNotFound: () => oauth(20003, 'invalid_grant', 'The authorization code is not found. Please note that an authorization code can only be used once.'),
  codeExpired: () => oauth(20004, 'invalid_grant', 'The authorization code has expired.'),
  userMissing: () => oauth(20008, 'invalid_grant', 'The user does not exist.'),
  notInstalled: () => oauth(20009, 'invalid_grant', 'The specified app is not installed.'),
  otherClient: () => oauth(20024, 'invalid_grant', 'The provided authorization code or refresh token does not match the provided client ID.'),
  refreshInvalid: () => oauth(20026, 'invalid_grant', 'The refresh token passed is invalid. Please check the value.'),
  unsupportedGrantType: () => oauth(20036, 'unsupported_grant_type', 'The specified grant_type is not supported.'),
  refreshExpired: () => oauth(20037, 'invalid_grant', 'The refresh token passed has expired. Please generate a new one.'),
  appMissing: () => oauth(20048, 'invalid_client', 'The specified app does not exist.'),
  pkceFailed: () => oauth(20049, 'invalid_grant', 'PKCE code challenge failed.'),
  malformed: (detail: string) => oauth(20063, 'invalid_request', `The request is malformed. Please check your request. ${detail}`),
  refreshRevoked: () => oauth(20064, 'invalid_grant', 'The refresh token has been revoked. Please note that a refresh token can only be used once.'),
  codeUsed: () => oauth(20065, 'invalid_grant', 'The authorization code has been used. Please note that an authorization code can only be used once.'),
  userStatusInvalid: () => oauth(20066, 'invalid_grant', 'The user status is invalid.'),
  duplicateScopes: () => oauth(20067, 'invalid_scope', 'The provided scope list contains duplicate scopes. Please ensure all scopes are unique.'),
  scopeNotPermitted: () => oauth(20068, 'invalid_scope', 'The provided scope list contains scopes that are not permitted. Please ensure all scopes are allowed.'),
  twoClientAuthMethods: () => oauth(20070, 'invalid_request', 'Multiple authentication methods were provided. Please only use one to proceed.'),
  redirectMismatch: () => oauth(20071, 'invalid_grant', 'The provided redirect URI does not match the one used during authorization.'),
  refreshUsed: () => oauth(20073, 'invalid_grant', 'The refresh token has been used. Please note that a refresh token can only be used once.'),
} as const;
