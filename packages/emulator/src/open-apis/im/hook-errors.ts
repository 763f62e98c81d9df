import { FeishuError } from '../../errors/feishu-error.ts';

// Custom bots answer every failure with HTTP 200 and `{code, msg, data: {}}` (custom-bot guide's
// error table), unlike the Open API.
const hook = (code: number, msg: string) => new FeishuError(200, code, msg, {}, 'hook');

export const hookErrors = {
  unknownToken: () => hook(19001, 'param invalid: incoming webhook access token invalid'),
  paramsError: (detail: string) => hook(19002, `params error, ${detail}`),
  signatureMismatch: () => hook(19021, 'sign match fail or timestamp is not within one hour from current time'),
  tooLarge: () => hook(19036, 'message size exceeds the limit of 30 KB'),
  rateLimited: () => hook(11232, 'create message service trigger rate limit'),
  badRequest: () => hook(9499, 'Bad Request'),
} as const;
