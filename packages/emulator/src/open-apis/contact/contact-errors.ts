import { FeishuError } from '../../errors/feishu-error.ts';

// Codes of the contact v3 error tables (department/*.md, user/*.md, group/*.md); 40004 is the
// one answered with HTTP 403.
export const contactErrors = {
  invalidParam: (detail: string) => new FeishuError(400, 40001, `param invalid: ${detail}`),
  outOfScope: (what: string) => new FeishuError(403, 40004, `no dept authority error: ${what}`),
  pageSizeInvalid: (max: number) => new FeishuError(400, 40011, `page size invalid: must be 1-${max}`),
  pageTokenInvalid: () => new FeishuError(400, 40012, 'page token invalid'),
  departmentMissing: () => new FeishuError(400, 40015, 'department not exist'),
  userMissing: () => new FeishuError(400, 41050, 'no user authority error: user not found'),
  groupMissing: () => new FeishuError(400, 42001, 'group not found'),
  tooBigToRecurse: () => new FeishuError(400, 43010, 'department is too big to fetch children recursively; fetch level by level instead'),
} as const;
