import { decodePacket, encodePacket } from "./packet-codec.js";
import { SEPARATOR, type BinaryType, type DecodedPacket, type Packet } from "./packet.js";

/**
 * Encodes packets as one polling payload: each packet in text form (binary as `b` + base64),
 * joined by the record separator `\x1e` (docs/protocol.md §1.3).
 * @example
 * encodePayload([{ type: "message", data: "hello" }, { type: "ping" }]) // "4hello\x1e2"
 */
export function encodePayload(packets: readonly Packet[]): string {
  let out = "";
  for (let i = 0; i < packets.length; i++) {
    if (i > 0) out += SEPARATOR;
    out += encodePacket(packets[i]!, false) as string;
  }
  return out;
}

/**
 * Decodes a polling payload. Never throws: decoding stops at the first bad packet, which is
 * returned as the final error packet (the receiver then closes with `parse error`).
 * @example
 * decodePayload("4hello\x1ebAQIDBA==") // [{ type: "message", data: "hello" }, { type: "message", data: Uint8Array [1, 2, 3, 4] }]
 */
export function decodePayload(payload: string, binaryType?: BinaryType): DecodedPacket[] {
  const packets: DecodedPacket[] = [];
  let start = 0;
  while (true) {
    const end = payload.indexOf(SEPARATOR, start);
    const packet = decodePacket(end === -1 ? payload.slice(start) : payload.slice(start, end), binaryType);
    packets.push(packet);
    if (packet.type === "error" || end === -1) return packets;
    start = end + 1;
  }
}
