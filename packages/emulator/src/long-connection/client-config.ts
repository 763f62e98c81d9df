/**
 * What the emulator tells long-connection clients, in seconds, as Feishu's `ClientConfig`
 * (platform doc §5.1): sent by endpoint discovery and again in every pong. All four fields are
 * always sent — the Node SDK turns a missing `PingInterval` into a ping flood.
 * `fragmentBytes` is the emulator's own: event payloads larger than this go in several frames.
 */
export type LongConnectionConfig = {
  pingInterval: number;
  reconnectCount: number;
  reconnectInterval: number;
  reconnectNonce: number;
  fragmentBytes: number;
};

/** Feishu's published values (§5.1); fragments of 16 KiB (Feishu does not document its size). */
export const DEFAULT_LONG_CONNECTION_CONFIG: LongConnectionConfig = Object.freeze({
  pingInterval: 120,
  reconnectCount: -1,
  reconnectInterval: 120,
  reconnectNonce: 30,
  fragmentBytes: 16 * 1024,
});

export function clientConfigJson(config: LongConnectionConfig): Record<string, number> {
  return {
    PingInterval: config.pingInterval,
    ReconnectCount: config.reconnectCount,
    ReconnectInterval: config.reconnectInterval,
    ReconnectNonce: config.reconnectNonce,
  };
}
