import pg from 'pg';

export type PgActivitySampler = {
  /** Stops sampling; returns each backend state's share of all samples, most frequent first. */
  stop(): Promise<{ readonly samples: number; readonly connections: number; readonly shares: readonly { readonly what: string; readonly percent: number }[] }>;
};

/**
 * Samples `pg_stat_activity` for one database every `intervalMs` on its own connection: what
 * each of the gateway's backends is doing (idle, waiting for the client, running a statement,
 * waiting on a lock or on the WAL flush of a commit), with the statement's first words. Where
 * an acknowledgement's time goes, seen from the server, without touching the gateway.
 */
export async function samplePgActivity(adminUrl: string, database: string, intervalMs = 10): Promise<PgActivitySampler> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let connections = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ state: string | null; wait: string | null; query: string }>(
        `select state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 48) as query
           from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
        [database],
      );
      samples += 1;
      connections = Math.max(connections, rows.length);
      for (const row of rows) {
        // An idle backend's query is its last one: only the state matters.
        const what = row.state === 'idle' ? 'idle' : `${row.state ?? '?'} | ${row.wait ?? 'on CPU'} | ${row.query}`;
        counts.set(what, (counts.get(what) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
      const shares = [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([what, count]) => ({ what, percent: Math.round((count / Math.max(1, total)) * 1000) / 10 }));
      return { samples, connections, shares };
    },
  };
}
