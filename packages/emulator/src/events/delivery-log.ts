/**
 * What happened to one push attempt. `status` is where the event stands after this attempt:
 * `sending` (the request is on the wire; the entry is updated in place when it ends),
 * `delivered` (HTTP 200 in time), `retrying` (a retry is scheduled at `next_attempt_at`),
 * or `failed` (no retries left). Over a long connection, success is an ack with code 200 within 3 s.
 */
export type DeliveryAttempt = {
  event_id: string;
  event_type: string;
  app_id: string;
  tenant_key: string | null;
  /** 1 for the first push, 2–5 for the retries. */
  attempt: number;
  /** A copy sent by the `duplicate_rate` fault, not a retry. */
  duplicate: boolean;
  /** `http`: a POST to `url`; `websocket`: a data frame on the long connection `connection_id`. */
  transport: 'http' | 'websocket';
  url: string | null;
  http_status: number | null;
  connection_id: string | null;
  /** The code of the long-connection client's ack (200 or 500). */
  ack_code: number | null;
  error: string | null;
  /** Real milliseconds the attempt took. */
  duration_ms: number;
  /** Emulated time (ms) the attempt started. */
  time: number;
  status: 'sending' | 'delivered' | 'retrying' | 'failed';
  next_attempt_at: number | null;
};

export type DeliveryFilter = { app_id?: string; event_type?: string; status?: string; event_id?: string };

export type DeliveryLog = {
  /** Adds an attempt; the returned entry is the logged one, so an outcome can update it in place. */
  record(attempt: DeliveryAttempt): DeliveryAttempt;
  /** Matching attempts, oldest first. */
  list(filter?: DeliveryFilter): DeliveryAttempt[];
  clear(): void;
};

/** Keeps the most recent `capacity` attempts so a long benchmark cannot exhaust memory. */
export function createDeliveryLog(capacity = 20_000): DeliveryLog {
  let attempts: DeliveryAttempt[] = [];
  return {
    record(attempt) {
      const entry = { ...attempt };
      attempts.push(entry);
      if (attempts.length > capacity * 1.25) attempts = attempts.slice(-capacity);
      return entry;
    },
    list(filter = {}) {
      const recent = attempts.length > capacity ? attempts.slice(-capacity) : attempts;
      // Copies, so an answer already handed out does not change when an attempt ends.
      return recent
        .filter(
        (attempt) =>
          (filter.app_id === undefined || attempt.app_id === filter.app_id) &&
          (filter.event_type === undefined || attempt.event_type === filter.event_type) &&
          (filter.status === undefined || attempt.status === filter.status) &&
          (filter.event_id === undefined || attempt.event_id === filter.event_id),
        )
        .map((attempt) => ({ ...attempt }));
    },
    clear() {
      attempts = [];
    },
  };
}
