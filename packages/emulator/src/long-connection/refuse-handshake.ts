import type { Duplex } from 'node:stream';

/**
 * Refuses a WebSocket upgrade the way Feishu's gateway does (platform doc §5.1): a non-101 answer
 * carrying `Handshake-Status`, `Handshake-Msg` and, for some refusals, `Handshake-Autherrcode`
 * (1000040350: too many connections). The Go and Python SDKs read these; Node sees a failed
 * handshake and retries.
 */
export function refuseHandshake(socket: Duplex, refusal: { httpStatus: number; handshakeStatus: number; message: string; authErrorCode?: number }): void {
  const lines = [
    `HTTP/1.1 ${refusal.httpStatus} ${refusal.httpStatus === 403 ? 'Forbidden' : refusal.httpStatus === 503 ? 'Service Unavailable' : 'Bad Request'}`,
    'Connection: close',
    'Content-Length: 0',
    `Handshake-Status: ${refusal.handshakeStatus}`,
    `Handshake-Msg: ${refusal.message}`,
    ...(refusal.authErrorCode === undefined ? [] : [`Handshake-Autherrcode: ${refusal.authErrorCode}`]),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}
