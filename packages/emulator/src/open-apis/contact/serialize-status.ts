import type { UserStatus } from '../../state/types.ts';

/** A user's `status` object as contact v3 and the control API show it. */
export function serializeStatus(status: UserStatus): Record<string, boolean> {
  return { is_frozen: status.isFrozen, is_resigned: status.isResigned, is_activated: status.isActivated, is_exited: status.isExited, is_unjoin: status.isUnjoin };
}
