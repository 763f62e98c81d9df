import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FeishuError } from '../errors/feishu-error.ts';
import type { App } from '../state/types.ts';
import type { LongConnectionConfig } from './client-config.ts';

/** What became of one data frame sent over a long connection. */
export type PushOutcome = {
  /** True when a client acknowledged the frame with code 200 within the deadline. */
  delivered: boolean;
  /** The connection the frame went to; null when no client of the app was connected. */
  connectionId: string | null;
  /** The `code` of the client's ack (200 or 500); null without an ack. */
  ackCode: number | null;
  /** The ack's `data`, base64-decoded and parsed as JSON (a card callback's answer); null without. */
  data: unknown;
  /** Why it was not delivered, for the delivery log; null when delivered. */
  error: string | null;
  durationMs: number;
};

/** A connected client as the control API shows it. Times are emulated ms. */
export type ConnectionInfo = {
  connection_id: string;
  app_id: string;
  device_id: string;
  service_id: number;
  connected_at: number;
  remote_address: string | null;
  /** Set by the `silence` fault: the socket stays open but nothing passes either way. */
  silenced: boolean;
  pings: number;
  last_ping_at: number | null;
  frames_sent: number;
  frames_received: number;
  acks: number;
};

/** One frame on the wire (or, for a silenced connection, one that was lost). */
export type FrameRecord = {
  time: number;
  connection_id: string;
  app_id: string;
  direction: 'in' | 'out';
  type: string;
  message_id: string | null;
  seq: number | null;
  sum: number | null;
  bytes: number;
  /** An ack's code. */
  ack_code: number | null;
  /** False for a frame a silenced connection swallowed. */
  passed: boolean;
};

/** One WebSocket handshake on the connect path, accepted or refused (with Feishu's Handshake-Status). */
export type HandshakeRecord = { time: number; app_id: string | null; accepted: boolean; handshake_status: number | null; reason: string | null };

/**
 * How to refuse new connections of an app until `until` (emulated ms): `handshake` fails the
 * WebSocket upgrade (every SDK retries), `busy` answers endpoint discovery with code 1 (the Node
 * SDK gives up on it), `internal` with 1000040343 (the Node SDK retries).
 */
export type Refusal = { mode: 'handshake' | 'busy' | 'internal'; until: number };

export type ConnectionFilter = { appId?: string; connectionId?: string };

/**
 * The long-connection side of the emulator (platform doc §5): endpoint discovery hands out a
 * one-time URL, clients connect over WebSocket speaking pbbp2 frames, and `push` sends a v2
 * envelope (an event or a `card.action.trigger` callback) to exactly one connected client of
 * the app (cluster mode) and waits for its ack.
 */
export type LongConnectionHub = {
  /** Endpoint discovery for `AppID`/`AppSecret`: the URL (on `host`) and the ClientConfig, or why not. */
  discover(appId: unknown, appSecret: unknown, host: string): { URL: string; ClientConfig: Record<string, number> } | FeishuError;
  /** Sends `payload` (compact JSON of the envelope) to one client of `appId`; never rejects. */
  push(appId: string, payload: Record<string, unknown>, meta: { eventId: string; eventType: string }): Promise<PushOutcome>;
  /** Takes over an HTTP upgrade request on the connect path; false when the path is not ours. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  connections(filter?: ConnectionFilter): ConnectionInfo[];
  frames(filter?: ConnectionFilter & { type?: string }): FrameRecord[];
  handshakes(appId?: string): HandshakeRecord[];
  /** Closes matching connections abruptly (no close frame), as a network failure would; the count. */
  drop(filter: ConnectionFilter): number;
  /** Makes matching connections half-open: no pongs, no frames out, nothing read; the count. */
  silence(filter: ConnectionFilter): number;
  refuse(appId: string, refusal: Refusal | undefined): void;
  refusals(): Record<string, Refusal>;
  readonly config: LongConnectionConfig;
  configure(changes: Partial<LongConnectionConfig>): LongConnectionConfig;
  /** Closes every connection and forgets logs, faults and settings; the hub stays usable. */
  reset(): void;
  close(): Promise<void>;
};

/** Whether long connection is open to this app at all (self-built apps only, §5). */
export function acceptsLongConnection(app: App): boolean {
  return app.type === 'self_built';
}
