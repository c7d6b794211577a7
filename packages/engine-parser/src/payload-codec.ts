import { decodePacket, encodePacket } from "./packet-codec.js";
import { SEPARATOR, type BinaryType, type DecodedPacket, type Packet } from "./packet.js";

/**
 * Encodes packets as one polling payload: each packet in text form (binary as `b` + base64),
 * joined by the record separator `\x1e` (docs/protocol.md §1.3).
 * @example
 * encodePayload([{ type: "message", data: "hello" }, { type: "ping" }]) // "4hello\x1e2"
 */
export function encodePayload(packets: readonly Packet[]): string {
  return packets.map((p) => encodePacket(p, false) as string).join(SEPARATOR);
}

/**
 * Decodes a polling payload. Never throws: decoding stops at the first bad packet, which is
 * returned as the final error packet (the receiver then closes with `parse error`).
 * @example
 * decodePayload("4hello\x1ebAQIDBA==") // [{ type: "message", data: "hello" }, { type: "message", data: Uint8Array [1, 2, 3, 4] }]
 */
export function decodePayload(payload: string, binaryType?: BinaryType): DecodedPacket[] {
  const packets: DecodedPacket[] = [];
  for (const part of payload.split(SEPARATOR)) {
    const packet = decodePacket(part, binaryType);
    packets.push(packet);
    if (packet.type === "error") break;
  }
  return packets;
}
