import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EmulatorState } from '../state/emulator-state.ts';
import { clientConfigJson, DEFAULT_LONG_CONNECTION_CONFIG, type LongConnectionConfig } from './client-config.ts';
import { endpointErrors } from './endpoint-errors.ts';
import { fragmentPayload } from './fragment-payload.ts';
import { decodeFrame, encodeFrame, FRAME_METHOD, headersOf, type Frame } from './frame-codec.ts';
import { acceptsLongConnection, type ConnectionFilter, type ConnectionInfo, type FrameRecord, type HandshakeRecord, type LongConnectionHub, type PushOutcome, type Refusal } from './long-connection-hub.ts';
import { refuseHandshake } from './refuse-handshake.ts';

export const CONNECT_PATH = '/callback/ws/connect';
/** Feishu's cap (§5). */
export const MAX_CONNECTIONS_PER_APP = 50;
/** A client must ack a data frame within 3 s, like an HTTP push (§5); real time. */
export const ACK_TIMEOUT_MS = 3_000;
/** A discovered URL can be used once, within a minute (real time). */
const TICKET_LIFETIME_MS = 60_000;
const FRAME_LOG_CAPACITY = 5_000;

type Connection = { info: ConnectionInfo; socket: WebSocket; nextSeq: number };
type Ticket = { appId: string; deviceId: string; serviceId: number; expiresAt: number };
type Waiter = { connectionId: string; settle: (outcome: Omit<PushOutcome, 'durationMs'>) => void };

export function createLongConnectionHub(state: EmulatorState): LongConnectionHub {
  const server = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const connections = new Map<string, Connection>();
  const tickets = new Map<string, Ticket>();
  const waiters = new Map<string, Waiter>();
  const refusals = new Map<string, Refusal>();
  let frameLog: FrameRecord[] = [];
  let handshakeLog: HandshakeRecord[] = [];
  let config: LongConnectionConfig = { ...DEFAULT_LONG_CONNECTION_CONFIG };

  const activeRefusal = (appId: string): Refusal | undefined => {
    const refusal = refusals.get(appId);
    if (refusal !== undefined && refusal.until <= state.clock.now()) refusals.delete(appId);
    return refusals.get(appId);
  };

  const refuse = (socket: Duplex, appId: string | null, refusal: Parameters<typeof refuseHandshake>[1]) => {
    handshakeLog.push({ time: state.clock.now(), app_id: appId, accepted: false, handshake_status: refusal.handshakeStatus, reason: refusal.message });
    if (handshakeLog.length > FRAME_LOG_CAPACITY) handshakeLog = handshakeLog.slice(-FRAME_LOG_CAPACITY);
    refuseHandshake(socket, refusal);
  };

  const matching = (filter: ConnectionFilter = {}) =>
    [...connections.values()].filter((connection) => (filter.appId === undefined || connection.info.app_id === filter.appId) && (filter.connectionId === undefined || connection.info.connection_id === filter.connectionId));

  const logFrame = (connection: Connection, direction: 'in' | 'out', frame: Frame, bytes: number, passed: boolean) => {
    const headers = headersOf(frame);
    const number = (key: string) => (headers[key] === undefined ? null : Number(headers[key]));
    let ackCode: number | null = null;
    if (direction === 'in' && frame.method === FRAME_METHOD.data) ackCode = ackOf(frame).code;
    frameLog.push({
      time: state.clock.now(),
      connection_id: connection.info.connection_id,
      app_id: connection.info.app_id,
      direction,
      type: direction === 'in' && frame.method === FRAME_METHOD.data ? 'ack' : (headers['type'] ?? 'unknown'),
      message_id: headers['message_id'] ?? null,
      seq: number('seq'),
      sum: number('sum'),
      bytes,
      ack_code: ackCode,
      passed,
    });
    if (frameLog.length > FRAME_LOG_CAPACITY) frameLog = frameLog.slice(-FRAME_LOG_CAPACITY);
  };

  const send = (connection: Connection, frame: Frame) => {
    const bytes = encodeFrame(frame);
    const passes = !connection.info.silenced && connection.socket.readyState === WebSocket.OPEN;
    logFrame(connection, 'out', frame, bytes.length, passes);
    if (!passes) return;
    connection.info.frames_sent += 1;
    connection.socket.send(bytes);
  };

  const receive = (connection: Connection, data: RawData, isBinary: boolean) => {
    // Text frames are not part of the protocol; the SDKs ignore them, and so does Feishu.
    if (!isBinary) return;
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch {
      return;
    }
    logFrame(connection, 'in', frame, bytes.length, !connection.info.silenced);
    // A half-open socket: whatever the client sends never arrives.
    if (connection.info.silenced) return;
    connection.info.frames_received += 1;
    const headers = headersOf(frame);
    if (frame.method === FRAME_METHOD.control && headers['type'] === 'ping') {
      connection.info.pings += 1;
      connection.info.last_ping_at = state.clock.now();
      send(connection, {
        SeqID: 0,
        LogID: 0,
        service: frame.service,
        method: FRAME_METHOD.control,
        headers: [{ key: 'type', value: 'pong' }],
        payload: Buffer.from(JSON.stringify(clientConfigJson(config))),
      });
      return;
    }
    if (frame.method !== FRAME_METHOD.data) return;
    const waiter = waiters.get(headers['message_id'] ?? '');
    if (waiter === undefined || waiter.connectionId !== connection.info.connection_id) return;
    connection.info.acks += 1;
    const ack = ackOf(frame);
    waiter.settle({
      delivered: ack.code === 200,
      connectionId: connection.info.connection_id,
      ackCode: ack.code,
      data: ack.data,
      error: ack.code === 200 ? null : `the client acked with code ${ack.code ?? 'none'}`,
    });
  };

  const accept = (socket: WebSocket, request: IncomingMessage, ticket: Ticket) => {
    const connection: Connection = {
      socket,
      nextSeq: 1,
      info: {
        connection_id: `lc_${state.random.hex(12)}`,
        app_id: ticket.appId,
        device_id: ticket.deviceId,
        service_id: ticket.serviceId,
        connected_at: state.clock.now(),
        remote_address: request.socket.remoteAddress ?? null,
        silenced: false,
        pings: 0,
        last_ping_at: null,
        frames_sent: 0,
        frames_received: 0,
        acks: 0,
      },
    };
    connections.set(connection.info.connection_id, connection);
    socket.on('message', (data, isBinary) => receive(connection, data, isBinary));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      connections.delete(connection.info.connection_id);
      for (const [messageId, waiter] of waiters) {
        if (waiter.connectionId !== connection.info.connection_id) continue;
        waiters.delete(messageId);
        waiter.settle({ delivered: false, connectionId: waiter.connectionId, ackCode: null, data: null, error: 'the connection closed before the ack' });
      }
    });
  };

  return {
    discover(appId, appSecret, host) {
      if (typeof appId !== 'string' || appId === '' || typeof appSecret !== 'string' || appSecret === '') return endpointErrors.missingCredentials();
      const app = state.apps.get(appId);
      if (app === undefined || app.appSecret !== appSecret) return endpointErrors.authFailed();
      if (!acceptsLongConnection(app)) return endpointErrors.forbidden();
      const refusal = activeRefusal(appId);
      if (refusal?.mode === 'busy') return endpointErrors.systemBusy();
      if (refusal?.mode === 'internal') return endpointErrors.internal();
      if (matching({ appId }).length >= MAX_CONNECTIONS_PER_APP) return endpointErrors.tooManyConnections(MAX_CONNECTIONS_PER_APP);
      const ticket = state.random.hex(32);
      const deviceId = state.random.hex(16);
      const serviceId = state.random.int(10_000, 99_999);
      tickets.set(ticket, { appId, deviceId, serviceId, expiresAt: Date.now() + TICKET_LIFETIME_MS });
      // `service_id` must not come first: the Node SDK parses the whole URL as a query string,
      // which mangles the first key (§5.1).
      return { URL: `ws://${host}${CONNECT_PATH}?ticket=${ticket}&device_id=${deviceId}&service_id=${serviceId}`, ClientConfig: clientConfigJson(config) };
    },

    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://emulator.invalid');
      if (url.pathname !== CONNECT_PATH) return false;
      const key = url.searchParams.get('ticket') ?? '';
      const ticket = tickets.get(key);
      tickets.delete(key);
      if (ticket === undefined || ticket.expiresAt < Date.now() || !state.apps.has(ticket.appId)) {
        refuse(socket, ticket?.appId ?? null, { httpStatus: 403, handshakeStatus: 514, message: 'auth failed: unknown or used ticket; discover the endpoint again' });
        return true;
      }
      if (activeRefusal(ticket.appId)?.mode === 'handshake') {
        refuse(socket, ticket.appId, { httpStatus: 503, handshakeStatus: 1, message: 'system busy' });
        return true;
      }
      if (matching({ appId: ticket.appId }).length >= MAX_CONNECTIONS_PER_APP) {
        refuse(socket, ticket.appId, { httpStatus: 403, handshakeStatus: 403, message: 'exceed conn limit', authErrorCode: 1000040350 });
        return true;
      }
      handshakeLog.push({ time: state.clock.now(), app_id: ticket.appId, accepted: true, handshake_status: null, reason: null });
      server.handleUpgrade(request, socket, head, (ws) => accept(ws, request, ticket));
      return true;
    },

    push(appId, payload) {
      const started = performance.now();
      const open = matching({ appId }).filter((connection) => connection.socket.readyState === WebSocket.OPEN);
      // Cluster mode: each event goes to one client, chosen at random (§5).
      const connection = open.length === 0 ? undefined : open[state.random.int(0, open.length - 1)];
      if (connection === undefined) {
        return Promise.resolve({ delivered: false, connectionId: null, ackCode: null, data: null, error: 'no long-connection client of the app is connected', durationMs: 0 });
      }
      const messageId = state.random.hex(16);
      const traceId = state.random.hex(16);
      const fragments = fragmentPayload(Buffer.from(JSON.stringify(payload)), config.fragmentBytes);
      return new Promise<PushOutcome>((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(messageId);
          resolve({ delivered: false, connectionId: connection.info.connection_id, ackCode: null, data: null, error: `no ack within ${ACK_TIMEOUT_MS} ms`, durationMs: performance.now() - started });
        }, ACK_TIMEOUT_MS);
        waiters.set(messageId, {
          connectionId: connection.info.connection_id,
          settle(outcome) {
            clearTimeout(timer);
            waiters.delete(messageId);
            resolve({ ...outcome, durationMs: performance.now() - started });
          },
        });
        fragments.forEach((fragment, seq) =>
          send(connection, {
            SeqID: connection.nextSeq++,
            LogID: 0,
            service: connection.info.service_id,
            method: FRAME_METHOD.data,
            headers: [
              { key: 'type', value: 'event' },
              { key: 'message_id', value: messageId },
              { key: 'sum', value: String(fragments.length) },
              { key: 'seq', value: String(seq) },
              { key: 'trace_id', value: traceId },
              { key: 'timestamp', value: String(Date.now()) },
            ],
            payload: fragment,
          }),
        );
      });
    },

    connections: (filter) => matching(filter).map((connection) => ({ ...connection.info })),
    frames: (filter = {}) =>
      frameLog.filter(
        (frame) =>
          (filter.appId === undefined || frame.app_id === filter.appId) &&
          (filter.connectionId === undefined || frame.connection_id === filter.connectionId) &&
          (filter.type === undefined || frame.type === filter.type),
      ),
    handshakes: (appId) => handshakeLog.filter((entry) => appId === undefined || entry.app_id === appId),
    drop(filter) {
      const dropped = matching(filter);
      for (const connection of dropped) connection.socket.terminate();
      return dropped.length;
    },
    silence(filter) {
      const silenced = matching(filter);
      for (const connection of silenced) connection.info.silenced = true;
      return silenced.length;
    },
    refuse(appId, refusal) {
      if (refusal === undefined) refusals.delete(appId);
      else refusals.set(appId, refusal);
    },
    refusals() {
      for (const appId of refusals.keys()) activeRefusal(appId);
      return Object.fromEntries(refusals);
    },
    get config() {
      return config;
    },
    configure(changes) {
      config = { ...config, ...changes };
      return config;
    },
    reset() {
      for (const connection of connections.values()) connection.socket.terminate();
      tickets.clear();
      refusals.clear();
      frameLog = [];
      handshakeLog = [];
      config = { ...DEFAULT_LONG_CONNECTION_CONFIG };
    },
    async close() {
      this.reset();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An ack's payload: `{"code": 200 | 500, "data"?: base64(JSON)}` (§5.2). */
function ackOf(frame: Frame): { code: number | null; data: unknown } {
  try {
    const parsed = JSON.parse(Buffer.from(frame.payload ?? new Uint8Array()).toString('utf8')) as { code?: unknown; data?: unknown };
    const code = typeof parsed.code === 'number' ? parsed.code : null;
    if (typeof parsed.data !== 'string' || parsed.data === '') return { code, data: null };
    return { code, data: JSON.parse(Buffer.from(parsed.data, 'base64').toString('utf8')) as unknown };
  } catch {
    return { code: null, data: null };
  }
}
