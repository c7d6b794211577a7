/** Engine.IO protocol revision spoken by this codec (docs/protocol.md §1). */
export const protocol = 4;

/**
 * Packet type names and their wire digits (docs/protocol.md §1.2).
 * The digit is written as the first character of every text packet.
 */
export const PacketTypes = {
  open: 0,
  close: 1,
  ping: 2,
  pong: 3,
  message: 4,
  upgrade: 5,
  noop: 6,
} as const;

/** Name of an Engine.IO packet type. */
export type PacketType = keyof typeof PacketTypes;

/** Wire digit (0..6) of an Engine.IO packet type. */
export type PacketTypeCode = (typeof PacketTypes)[PacketType];

/** Packet type names indexed by wire digit. */
export const PacketTypeNames: readonly PacketType[] = Object.keys(PacketTypes) as PacketType[];

/** Binary payload accepted by the encoder. */
export type BinaryData = ArrayBuffer | ArrayBufferView;

/** Payload of a packet: text, or bytes (only `message` packets carry bytes). */
export type RawData = string | BinaryData;

/** One Engine.IO packet. */
export interface Packet {
  type: PacketType;
  data?: RawData;
}

/** What the decoder returns for input it cannot understand; it never throws. */
export interface ErrorPacket {
  type: "error";
  data: "parser error";
}

/** Result of decoding one packet. */
export type DecodedPacket = Packet | ErrorPacket;

/**
 * Shape of decoded binary data: `arraybuffer` gives an `ArrayBuffer`, `uint8array` a `Uint8Array`
 * (the default, as it needs no copy).
 */
export type BinaryType = "arraybuffer" | "uint8array";

/** The single error value shared by every decoding failure. */
export const ERROR_PACKET: ErrorPacket = Object.freeze({
  type: "error",
  data: "parser error",
}) as ErrorPacket;

/** Record separator joining packets of a polling payload (docs/protocol.md §1.3). */
export const SEPARATOR = "\x1e";

/** True for ArrayBuffer, typed arrays, DataView (and Node's Buffer, a Uint8Array). */
export function isBinary(data: unknown): data is BinaryData {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** Views any binary value as bytes without copying. */
export function toBytes(data: BinaryData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
