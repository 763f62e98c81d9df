import type { User } from '../../state/types.ts';

export type UserProblem = 'missing' | 'resigned' | 'frozen' | 'unregistered';

/**
 * Why `user` cannot sign in or use a user token, if they cannot. Each authen endpoint maps the
 * reason to its own code (v1 and user_info: 20008 / 20021 / 20022 / 20023; v2: 20008 / 20066).
 */
export function userProblem(user: User | undefined): UserProblem | undefined {
  if (user === undefined || user.deleted) return 'missing';
  if (user.status.isResigned || user.status.isExited) return 'resigned';
  if (user.status.isFrozen) return 'frozen';
  if (!user.status.isActivated || user.status.isUnjoin) return 'unregistered';
  return undefined;
}

