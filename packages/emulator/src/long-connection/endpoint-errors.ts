import { FeishuError } from '../errors/feishu-error.ts';

// Endpoint discovery answers HTTP 200 with these codes (as the official SDKs' `ws` constants name
// them); the Node SDK retries only 1000040343 and gives up on every other one, `1` included —
// which it can only do when `data` is present: it reads `data.URL` before it looks at the code, and
// a missing `data` makes every failure look like a network error to retry (platform doc §5.1).
const endpoint = (code: number, msg: string) => new FeishuError(200, code, msg, { data: {} });

export const endpointErrors = {
  systemBusy: () => endpoint(1, 'system busy'),
  forbidden: () => endpoint(403, 'forbidden: long connection is for self-built apps only'),
  authFailed: () => endpoint(514, 'auth failed'),
  internal: () => endpoint(1000040343, 'internal error'),
  missingCredentials: () => endpoint(1000040344, 'AppID and AppSecret are required'),
  tooManyConnections: (max: number) => endpoint(1000040350, `exceed conn limit: at most ${max} connections per app`),
} as const;
