import type { DirectoryChange } from '../directory/directory-change.ts';

/**
 * The JSON body delivered for a change, in the Standard Webhooks payload shape
 * (`type`, `timestamp`, `data`). Serialised once, stored, and sent byte for byte on every attempt.
 */
export function webhookPayload(change: DirectoryChange): string {
  return JSON.stringify({
    type: change.type,
    timestamp: change.occurredAt.toISOString(),
    data: {
      id: change.id,
      connection: change.connection,
      tenant_key: change.tenantKey,
      entity: change.entity,
      entity_id: change.entityId,
      kind: change.kind,
      changed_fields: change.changedFields,
      occurred_at: change.occurredAt.toISOString(),
      source: change.source,
      object: change.data,
    },
  });
}

/** The `webhook-id` of a change's deliveries: one per change, so a receiver de-duplicates retries. */
export function webhookMessageId(change: DirectoryChange): string {
  return `msg_dirchg_${change.id}`;
}

/** The unit of ordering: one entity of one tenant of one connection. */
export function entityKeyOf(change: DirectoryChange): string {
  return `${change.connection}/${change.tenantKey}/${change.entity}/${change.entityId}`;
}
