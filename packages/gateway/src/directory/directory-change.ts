import type { DbTransaction } from '../db/index.ts';

export type DirectoryEntity = 'user' | 'department' | 'group';

/**
 * What happened to an entity of the mirror. `deactivated` is a user who is still in Feishu but
 * resigned or frozen (`status.is_resigned` / `is_frozen`); `deleted` means gone from Feishu or
 * out of the app's contact scope (the row is kept, marked deleted).
 */
export type DirectoryChangeKind = 'created' | 'updated' | 'deactivated' | 'deleted';

/** The event type a change is published as, e.g. `user.updated` (issue 7, change webhooks). */
export type DirectoryChangeType = `${DirectoryEntity}.${DirectoryChangeKind}`;

/**
 * One entry of the directory's change log, written in the same transaction as the change to the
 * mirror. Listeners (change webhooks) receive it inside that transaction, so a change and what
 * it triggers commit together or not at all.
 */
export type DirectoryChange = {
  /** The change log row id: increasing, unique per database; the basis of a webhook message id. */
  readonly id: string;
  readonly connection: string;
  readonly tenantKey: string;
  readonly entity: DirectoryEntity;
  /** `open_id` of a user, `open_department_id` of a department, `group_id` of a group. */
  readonly entityId: string;
  readonly kind: DirectoryChangeKind;
  readonly type: DirectoryChangeType;
  /** Fields of the served representation whose value changed (empty for created and deleted). */
  readonly changedFields: readonly string[];
  /** The entity as `GET /api/v1/directory/...` serves it, after the change. */
  readonly data: Readonly<Record<string, unknown>>;
  /** When Feishu says the change happened (event `create_time`), or when a sync observed it. */
  readonly occurredAt: Date;
  /** What noticed it: a contact event, a full sync, or a reconcile that repaired a difference. */
  readonly source: 'event' | 'sync' | 'reconcile';
};

/**
 * Called with the changes recorded together (one page of a sync, one event), in order, inside the
 * transaction that records them: a batch, because a sync records tens of thousands.
 */
export type DirectoryChangeListener = (transaction: DbTransaction, changes: readonly DirectoryChange[]) => Promise<void>;
