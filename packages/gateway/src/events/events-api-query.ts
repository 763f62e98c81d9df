import type { Database } from '../db/index.ts';

/** An inbox event as the API shows it: its metadata and dispatch state, never its payload. */
export type EventSummary = {
  readonly id: string;
  readonly connection: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly tenant_key: string | null;
  readonly created_at: string;
  readonly received_at: string;
  readonly transport: 'http' | 'websocket';
  readonly status: 'pending' | 'handled' | 'failed' | 'dead';
  readonly attempts: number;
  readonly last_error: string | null;
  readonly handled_at: string | null;
};

export type EventFilters = {
  readonly status?: EventSummary['status'];
  readonly type?: string;
  readonly connection?: string;
  /** Received at or after. */
  readonly since?: Date;
  /** Received before. */
  readonly until?: Date;
  /** Only events with a smaller id (the cursor: pages go from newest to oldest). */
  readonly beforeId?: string;
  readonly limit: number;
};

export type EventsApiQuery = {
  /** Newest first. */
  list(filters: EventFilters): Promise<EventSummary[]>;
  get(id: string): Promise<EventSummary | undefined>;
};

// The columns the API may show: the sealed payload is not among them.
const columns = ['id', 'connection', 'event_id', 'event_type', 'tenant_key', 'created_at', 'received_at', 'transport', 'status', 'attempts', 'last_error', 'handled_at'] as const;

/** The read side of the inbox for `GET /api/v1/events`. */
export function createEventsApiQuery(database: Database): EventsApiQuery {
  const { kysely } = database;
  return {
    async list(filters) {
      let query = kysely.selectFrom('event_inbox').select(columns);
      if (filters.status !== undefined) query = query.where('status', '=', filters.status);
      if (filters.type !== undefined) query = query.where('event_type', '=', filters.type);
      if (filters.connection !== undefined) query = query.where('connection', '=', filters.connection);
      if (filters.since !== undefined) query = query.where('received_at', '>=', filters.since);
      if (filters.until !== undefined) query = query.where('received_at', '<', filters.until);
      if (filters.beforeId !== undefined) query = query.where('id', '<', filters.beforeId);
      const rows = await query.orderBy('id', 'desc').limit(filters.limit).execute();
      return rows.map(toSummary);
    },

    async get(id) {
      const row = await kysely.selectFrom('event_inbox').select(columns).where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toSummary(row);
    },
  };
}

type Row = {
  id: string | number | bigint;
  connection: string;
  event_id: string;
  event_type: string;
  tenant_key: string | null;
  created_at: Date;
  received_at: Date;
  transport: 'http' | 'websocket';
  status: 'pending' | 'handled' | 'failed' | 'dead';
  attempts: number;
  last_error: string | null;
  handled_at: Date | null;
};

function toSummary(row: Row): EventSummary {
  return {
    id: String(row.id),
    connection: row.connection,
    event_id: row.event_id,
    event_type: row.event_type,
    tenant_key: row.tenant_key,
    created_at: new Date(row.created_at).toISOString(),
    received_at: new Date(row.received_at).toISOString(),
    transport: row.transport,
    status: row.status,
    attempts: Number(row.attempts),
    last_error: row.last_error,
    handled_at: row.handled_at === null ? null : new Date(row.handled_at).toISOString(),
  };
}
