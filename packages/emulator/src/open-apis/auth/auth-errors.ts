import { FeishuError } from '../../errors/feishu-error.ts';

// The token endpoints answer failures with HTTP 200 and a non-zero code (platform doc §1.3, §11).
const auth = (code: number, msg: string) => new FeishuError(200, code, msg);

export const authErrors = {
  invalidParam: (detail?: string) => auth(10003, detail === undefined ? 'invalid param' : `invalid param: ${detail}`),
  badTicket: () => auth(10012, 'app_ticket is invalid'),
  /** 10015 is the wrong secret; 10014 would be "app unauthorized". */
  badSecret: () => auth(10015, 'app secret invalid'),
  resendFailed: (detail: string) => auth(10016, `app_ticket resend failed: ${detail}`),
  invalidAppToken: () => auth(99991664, 'Invalid app access token.'),
  notInstalled: () => auth(99991665, 'invalid tenant code: the app is not installed in this tenant'),
} as const;
