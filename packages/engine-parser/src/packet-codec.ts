import { decodeBase64, encodeBase64 } from "#base64";
import {
  ERROR_PACKET,
  PacketTypeNames,
  PacketTypes,
  isBinary,
  toBytes,
  type BinaryType,
  type DecodedPacket,
  type Packet,
} from "./packet.js";

const CODE_0 = 48; // "0"
const CODE_B = 98; // "b": base64 binary message in text form (docs/protocol.md §1.2)

/**
 * Encodes one packet. Text packets become `<digit><data>`; a binary `message` is returned as is
 * when the transport supports binary (a WebSocket binary frame has no type prefix), otherwise as
 * `b` + base64 (polling).
 * @example
 * encodePacket({ type: "message", data: "hello" }, true) // "4hello"
 * encodePacket({ type: "message", data: new Uint8Array([1, 2, 3, 4]) }, false) // "bAQIDBA=="
 */
export function encodePacket(
  packet: Packet,
  supportsBinary: boolean,
): string | ArrayBuffer | ArrayBufferView {
  const data = packet.data;
  if (typeof data !== "string" && isBinary(data))
    return supportsBinary ? data : "b" + encodeBase64(toBytes(data));
  // No data (or data that is neither text nor binary): the digit alone.
  return PacketTypes[packet.type] + (typeof data === "string" ? data : "");
}

/**
 * Decodes one packet: a string (text frame or one segment of a polling payload) or bytes (a
 * binary WebSocket frame, always a `message`). Never throws: bad input gives the error packet.
 * @example
 * decodePacket("4hello") // { type: "message", data: "hello" }
 * decodePacket("bAQIDBA==") // { type: "message", data: Uint8Array [1, 2, 3, 4] }
 * decodePacket("9") // { type: "error", data: "parser error" }
 */
export function decodePacket(
  encoded: string | ArrayBuffer | ArrayBufferView,
  binaryType: BinaryType = "uint8array",
): DecodedPacket {
  if (typeof encoded !== "string") {
    if (!isBinary(encoded)) return ERROR_PACKET;
    return { type: "message", data: shapeBinary(toBytes(encoded), binaryType) };
  }
  if (encoded.length === 0) return ERROR_PACKET;
  const first = encoded.charCodeAt(0);
  if (first === CODE_B) {
    const bytes = decodeBase64(encoded, 1);
    return bytes === null
      ? ERROR_PACKET
      : { type: "message", data: shapeBinary(bytes, binaryType) };
  }
  const name = PacketTypeNames[first - CODE_0];
  if (name === undefined) return ERROR_PACKET;
  return encoded.length > 1 ? { type: name, data: encoded.slice(1) } : { type: name };
}

function shapeBinary(bytes: Uint8Array, binaryType: BinaryType): ArrayBuffer | Uint8Array {
  if (binaryType === "uint8array") return bytes;
  const buffer = bytes.buffer;
  // A view on a shared or larger buffer is copied to hand out a standalone ArrayBuffer: `new Uint8Array(view)`
  // copies. (Not `bytes.slice()`: on a Node Buffer (a `ws` frame) slice is a view, and its `.buffer` would be the
  // whole 8 KiB allocation pool, other connections' bytes included.)
  return buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
    ? buffer
    : new Uint8Array(bytes).buffer;
}
