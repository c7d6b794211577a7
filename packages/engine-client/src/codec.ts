// Thin layer over @switchboard/engine-parser: shapes received binary for the platform and carries send options.
import {
  decodePacket,
  decodePayload,
  encodePacket,
  encodePayload,
  type DecodedPacket,
  type PacketType as WireType,
} from "@switchboard/engine-parser";
import type { Platform, RawData } from "./platform.js";
import { NODE } from "#runtime";

/** Engine.IO packet types, plus `error` for data the codec could not decode. */
export type PacketType = WireType | "error";

/** One Engine.IO packet as the client handles it. */
export interface Packet {
  type: PacketType;
  data?: RawData | undefined;
  /** Send options (not on the wire). */
  options?: { compress?: boolean };
}

/** Node: received binary as Buffers (the platform's `binary`); browsers take the codec's output as is. */
function shape(p: DecodedPacket, platform: Platform): Packet {
  const data = p.data;
  if (platform.binary && data !== undefined && typeof data !== "string") {
    return { type: p.type, data: platform.binary(data as Uint8Array) };
  }
  return p as Packet;
}

/** Decodes one WebSocket frame. Never throws: bad input gives `{ type: "error" }`. */
export function decode(data: RawData, platform: Platform): Packet {
  const packet = decodePacket(data, platform.binaryType);
  return NODE ? shape(packet, platform) : (packet as Packet);
}

/** Decodes a polling payload. Never throws; stops at the first bad packet (returned as `error`). */
export function decodeBatch(body: string, platform: Platform): Packet[] {
  const packets = decodePayload(body, platform.binaryType) as Packet[];
  if (NODE && platform.binary) for (let i = 0; i < packets.length; i++) packets[i] = shape(packets[i] as DecodedPacket, platform);
  return packets;
}

// The encoders take our Packet as is (its `error` type is never sent); aliases rather than wrappers, so the bundle
// carries no forwarding functions.
/** Encodes one packet for a WebSocket frame. */
export const encode = encodePacket as (packet: Packet, supportsBinary: boolean) => string | ArrayBuffer | ArrayBufferView;

/** Encodes packets as one polling payload (binary always base64 there). */
export const encodeBatch = encodePayload as (packets: Packet[]) => string;
