// Server-to-client WebSocket frames as one Buffer each. The frame header itself comes from `ws`
// (`Sender.frame`, the house rule: framing is `ws`'s job); this module only lays header and payload
// side by side, so a frame is one plain write and the packets of one flush become one write too
// (`ws` hands Node a header Buffer plus the payload, which costs a writev per message).
import * as ws from "ws";

/** Opcode of a text frame. */
export const TEXT = 1;
/** Opcode of a binary frame. */
export const BINARY = 2;

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

// `Sender.frame` is public in `ws` (a named export of its ESM entry) but missing from @types/ws.
type FrameFn = (data: { length: number }, options: FrameOptions) => Buffer[];
const frameHeaderOf = (ws as unknown as { Sender: { frame: FrameFn } }).Sender.frame;
const TEXT_OPTIONS: FrameOptions = {
  fin: true,
  rsv1: false,
  opcode: TEXT,
  mask: false,
  readOnly: false,
};
const BINARY_OPTIONS: FrameOptions = {
  fin: true,
  rsv1: false,
  opcode: BINARY,
  mask: false,
  readOnly: false,
};

/** Size of the header of an unmasked frame whose payload is `length` bytes (RFC 6455 §5.2). */
export function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes the header of a final unmasked frame at `offset`; returns where the payload goes. */
export function writeHeader(
  target: Buffer,
  offset: number,
  opcode: number,
  length: number,
): number {
  // Unmasked, `ws` returns [header, payload] and reads only the payload's length.
  const header = frameHeaderOf({ length }, opcode === TEXT ? TEXT_OPTIONS : BINARY_OPTIONS)[0]!;
  return offset + header.copy(target, offset);
}

/**
 * One complete frame (header and payload in one Buffer).
 * @example frame(TEXT, Buffer.from("4hello")); // <81 06 34 68 65 6c 6c 6f>
 */
export function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const target = Buffer.allocUnsafe(headerSize(length) + length);
  payload.copy(target, writeHeader(target, 0, opcode, length));
  return target;
}
