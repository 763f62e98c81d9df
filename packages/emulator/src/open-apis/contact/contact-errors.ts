import { FeishuError } from '../../errors/feishu-error.ts';

// Codes and messages of the contact v3 error tables (department/*.md, user/*.md, group/*.md,
// group-member/simplelist.md). Scope refusals differ by entity: a department outside the
// contact scope is 40004 with HTTP 403, a user 41050 with HTTP 400, a user group 42009 with 403.
export const contactErrors = {
  invalidParam: (detail: string) => new FeishuError(400, 40001, `invalid parameter: ${detail}`),
  outOfScope: (what: string) => new FeishuError(403, 40004, `no dept authority error: ${what}`),
  pageSizeInvalid: (max: number) => new FeishuError(400, 40011, `page size is invalid: must be 1-${max}`),
  pageTokenInvalid: () => new FeishuError(400, 40012, 'page token is invalid error'),
  departmentMissing: () => new FeishuError(400, 40015, 'department not exist'),
  userNotVisible: () => new FeishuError(400, 41050, 'no user authority error'),
  memberIdTypeInvalid: () => new FeishuError(400, 41071, 'invalid member_id_type'),
  memberTypeMismatch: () => new FeishuError(400, 41072, 'member_type not match member_id_type'),
  memberTypeInvalid: () => new FeishuError(400, 41074, 'invalid member_type'),
  groupMissing: () => new FeishuError(400, 42002, 'invalid group_id'),
  groupOutOfScope: () => new FeishuError(403, 42009, 'no user group authority error'),
  tooBigToRecurse: () => new FeishuError(400, 43010, 'big dept forbid recursion error'),
} as const;
