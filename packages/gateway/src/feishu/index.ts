export { createFeishu, type Feishu } from './create-feishu.ts';
export { createFeishuClient, type FeishuClientDeps } from './create-feishu-client.ts';
export { FeishuApiError, type FeishuFailure } from './feishu-api-error.ts';
export type { FeishuCodeKind } from './classify-feishu-code.ts';
export type { TokenScope, TokenStore } from './token-store.ts';
