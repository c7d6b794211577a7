// The client's side of @switchboard/engine-parser: its packet type (send options, and `error` for data the codec
// could not decode) and the Node shaping of received binary. Transports call the engine-parser codec directly,
// with the platform's `binaryType`, so browser bundles carry no wrapper; in Node (`NODE`) they pass what it
// decoded through `shape`.
import type { DecodedPacket, PacketType as WireType } from "@switchboard/engine-parser";
import type { Platform, RawData } from "./platform.js";

/** Engine.IO packet types, plus `error` for data the codec could not decode. */
export type PacketType = WireType | "error";

/** One Engine.IO packet as the client handles it. */
export interface Packet {
  type: PacketType;
  data?: RawData | undefined;
  /** Send options (not on the wire). */
  options?: { compress?: boolean };
}

/** Node: received binary as Buffers (the platform's `binary`); other packets as decoded. */
export function shape(p: DecodedPacket | Packet, platform: Platform): Packet {
  const data = p.data;
  if (platform.binary && data !== undefined && typeof data !== "string") {
    return { type: p.type, data: platform.binary(data as Uint8Array) };
  }
  return p as Packet;
}
