/**
 * What happened to one push attempt. `status` is where the event stands after this attempt:
 * `delivered` (HTTP 200 in time), `retrying` (a retry is scheduled at `next_attempt_at`),
 * `failed` (no retries left), or `pending` (waiting for the app's long connection).
 */
export type DeliveryAttempt = {
  event_id: string;
  event_type: string;
  app_id: string;
  tenant_key: string | null;
  /** 1 for the first push, 2–5 for the retries; 0 for an event held for the long connection. */
  attempt: number;
  /** A copy sent by the `duplicate_rate` fault, not a retry. */
  duplicate: boolean;
  url: string | null;
  http_status: number | null;
  error: string | null;
  /** Real milliseconds the attempt took. */
  duration_ms: number;
  /** Emulated time (ms) the attempt started. */
  time: number;
  status: 'delivered' | 'retrying' | 'failed' | 'pending';
  next_attempt_at: number | null;
};

export type DeliveryFilter = { app_id?: string; event_type?: string; status?: string; event_id?: string };

export type DeliveryLog = {
  record(attempt: DeliveryAttempt): void;
  /** Matching attempts, oldest first. */
  list(filter?: DeliveryFilter): DeliveryAttempt[];
  clear(): void;
};

/** Keeps the most recent `capacity` attempts so a long benchmark cannot exhaust memory. */
export function createDeliveryLog(capacity = 20_000): DeliveryLog {
  let attempts: DeliveryAttempt[] = [];
  return {
    record(attempt) {
      attempts.push(attempt);
      if (attempts.length > capacity * 1.25) attempts = attempts.slice(-capacity);
    },
    list(filter = {}) {
      const recent = attempts.length > capacity ? attempts.slice(-capacity) : attempts;
      return recent.filter(
        (attempt) =>
          (filter.app_id === undefined || attempt.app_id === filter.app_id) &&
          (filter.event_type === undefined || attempt.event_type === filter.event_type) &&
          (filter.status === undefined || attempt.status === filter.status) &&
          (filter.event_id === undefined || attempt.event_id === filter.event_id),
      );
    },
    clear() {
      attempts = [];
    },
  };
}
