import protobuf from 'protobufjs';

/**
 * One long-connection frame (package `pbbp2`, proto2; platform doc §5.2). `method` 0 is a
 * control frame (ping, pong), 1 a data frame (event, ack). The Node SDK's decoder throws when
 * any required field is missing, so every frame the emulator sends sets all four numbers.
 */
export type Frame = {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
};

export const FRAME_METHOD = { control: 0, data: 1 } as const;

// The schema as the platform doc gives it; protobufjs does the wire encoding.
const SCHEMA = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payload_encoding = 6;
  optional string payload_type = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}
`;

// protobufjs keeps its settings in one module-wide object, and the official SDK, once loaded,
// switches 64-bit integers from Long objects to plain numbers (`util.Long = undefined`). A type
// set up under one setting breaks under the other, so the emulator makes the same choice first:
// whichever loads first, every pbbp2 type in the process then agrees. Ids here fit in a double.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();
const frameType = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('pbbp2.Frame');

export function encodeFrame(frame: Frame): Uint8Array {
  return frameType.encode(frameType.fromObject(frame)).finish();
}

/** Decodes a client's frame; throws on bytes that are not a valid pbbp2 Frame. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const decoded = frameType.toObject(frameType.decode(bytes), { longs: Number, defaults: true }) as Frame & { payload: Uint8Array };
  return { ...decoded, headers: decoded.headers ?? [] };
}

/** The frame's headers as a plain object (later keys win, as in the SDKs). */
export function headersOf(frame: Frame): Record<string, string> {
  return Object.fromEntries(frame.headers.map(({ key, value }) => [key, value]));
}
