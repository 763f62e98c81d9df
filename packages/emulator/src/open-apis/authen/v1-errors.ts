import { FeishuError } from '../../errors/feishu-error.ts';
import type { UserProblem } from './user-problem.ts';

// The v1 token endpoints and user_info answer failures with HTTP 200 and a 20xxx code, as their
// docs list them.
const v1 = (code: number, msg: string) => new FeishuError(200, code, msg);

export const v1Errors = {
  invalidRequest: (detail: string) => v1(20001, `Invalid request. ${detail}`),
  codeInvalid: () => v1(20003, 'The code passed is invalid. Please note that the code could only be used once'),
  codeExpired: () => v1(20004, 'The code passed has expired. Please generate a new one'),
  invalidUserToken: () => v1(20005, 'The user access token passed is invalid. Please check the value'),
  userMissing: () => v1(20008, 'User not exist'),
  notInstalled: () => v1(20009, 'Tenant does not install app'),
  invalidTenantToken: () => v1(20013, 'The tenant access token passed is invalid. Please check the value'),
  invalidAppToken: () => v1(20014, 'The app access token passed is invalid. Please check the value'),
  userResigned: () => v1(20021, 'User resigned'),
  userFrozen: () => v1(20022, 'User frozen'),
  userUnregistered: () => v1(20023, 'User not registered'),
  otherClient: (what: string) =>
    v1(20024, `App id in ${what} differs from the app id of the app_access_token or tenant_access_token. Please keep the app id consistent`),
  refreshInvalid: () => v1(20026, 'The refresh token passed is invalid. Please check the value'),
  unsupportedGrantType: () => v1(20036, 'The grant_type passed is not supported'),
  refreshExpired: () => v1(20037, 'The refresh token passed has expired. Please generate a new one'),
  refreshNotFound: () => v1(20038, 'The refresh token passed is not found. Please check the value'),
} as const;

/** The v1 / user_info failure for a user who cannot sign in. */
export const V1_USER_ERRORS: Record<UserProblem, () => FeishuError> = {
  missing: v1Errors.userMissing,
  resigned: v1Errors.userResigned,
  frozen: v1Errors.userFrozen,
  unregistered: v1Errors.userUnregistered,
};
