/**
 * A failure of `authen/v2/oauth/token`, answered RFC 6749 style at the top level:
 * `{code, error, error_description}` (no `msg`, no `data`), HTTP 400 unless noted.
 */
export class OAuthError extends Error {
  readonly status: 400 | 500 | 503;
  readonly code: number;
  readonly error: string;

  constructor(code: number, error: string, description: string, status: 400 | 500 | 503 = 400) {
    super(description);
    this.code = code;
    this.error = error;
    this.status = status;
  }

  toJSON(): { code: number; error: string; error_description: string } {
    return { code: this.code, error: this.error, error_description: this.message };
  }
}

// Codes and descriptions of the token endpoint's docs (get- and refresh-user-access-token).
export const oauthErrors = {
  missingParameter: (name: string) => new OAuthError(20001, 'invalid_request', `The request is missing a required parameter: ${name}.`),
  badClientSecret: () => new OAuthError(20002, 'invalid_client', 'The client secret is invalid.'),
  codeNotFound: () => new OAuthError(20003, 'invalid_grant', 'The authorization code is not found. Please note that an authorization code can only be used once.'),
  codeExpired: () => new OAuthError(20004, 'invalid_grant', 'The authorization code has expired.'),
  userMissing: () => new OAuthError(20008, 'invalid_grant', 'The user does not exist.'),
  notInstalled: () => new OAuthError(20009, 'invalid_grant', 'The specified app is not installed.'),
  otherClient: () => new OAuthError(20024, 'invalid_grant', 'The provided authorization code or refresh token does not match the provided client ID.'),
  refreshInvalid: () => new OAuthError(20026, 'invalid_grant', 'The refresh token passed is invalid. Please check the value.'),
  unsupportedGrantType: () => new OAuthError(20036, 'unsupported_grant_type', 'The specified grant_type is not supported.'),
  refreshExpired: () => new OAuthError(20037, 'invalid_grant', 'The refresh token passed has expired. Please generate a new one.'),
  appMissing: () => new OAuthError(20048, 'invalid_client', 'The specified app does not exist.'),
  pkceFailed: () => new OAuthError(20049, 'invalid_grant', 'PKCE code challenge failed.'),
  malformed: (detail: string) => new OAuthError(20063, 'invalid_request', `The request is malformed. Please check your request. ${detail}`),
  refreshRevoked: () => new OAuthError(20064, 'invalid_grant', 'The refresh token has been revoked. Please note that a refresh token can only be used once.'),
  codeUsed: () => new OAuthError(20065, 'invalid_grant', 'The authorization code has been used. Please note that an authorization code can only be used once.'),
  userStatusInvalid: () => new OAuthError(20066, 'invalid_grant', 'The user status is invalid.'),
  duplicateScopes: () => new OAuthError(20067, 'invalid_scope', 'The provided scope list contains duplicate scopes. Please ensure all scopes are unique.'),
  scopeNotPermitted: () => new OAuthError(20068, 'invalid_scope', 'The provided scope list contains scopes that are not permitted. Please ensure all scopes are allowed.'),
  twoClientAuthMethods: () => new OAuthError(20070, 'invalid_request', 'Multiple authentication methods were provided. Please only use one to proceed.'),
  redirectMismatch: () => new OAuthError(20071, 'invalid_grant', 'The provided redirect URI does not match the one used during authorization.'),
  refreshUsed: () => new OAuthError(20073, 'invalid_grant', 'The refresh token has been used. Please note that a refresh token can only be used once.'),
} as const;
