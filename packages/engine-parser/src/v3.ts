import { encodeBase64 } from "#base64";

// Engine.IO protocol v3 (socket.io-client 2.x, server option `allowEIO3`), docs/protocol.md §1.10.
// Text packets are written as in v4 (`4hello`, `2probe`…), so the engine queues them unchanged; what
// differs is binary data and the polling payload framing:
// - a text payload is `<length>:<packet>` repeated, the length in UTF-16 code units;
// - a binary message in text form is `b4<base64>` (v4: `b<base64>`);
// - a client that takes binary (no `b64` query) gets, when a payload carries binary, a binary payload:
//   per packet `<0 text | 1 binary>`, the decimal digits of its byte length as bytes 0-9, 255, then the
//   bytes (text as UTF-8; binary as the type byte 4 followed by the data). WebSocket binary frames carry
//   the same type byte.
// Decoding returns packets in v4 form (base64 messages as `b<base64>`, binary messages as their data),
// so the session reads them with the v4 scanner.

/** The protocol revision of this module. */
export const protocolV3 = 3;

/** One packet as the engine queues it: a text packet in wire form, or the bytes of a binary message. */
export type V3Item = string | Uint8Array;

/** The `message` type byte in front of binary data (v3 WebSocket frames and binary payloads). */
export const V3_MESSAGE_BYTE = 4;

// UTF-8 of text packets in binary payloads. The lib is plain ES2022 (isomorphic), so the globals are
// declared here; Node and browsers both have them.
interface Utf8Codecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as Utf8Codecs;
const encoder = new codecs.TextEncoder();
const decoder = new codecs.TextDecoder();

/** A binary message as v3 text: `b4<base64>`. */
export function encodeBase64MessageV3(data: Uint8Array): string {
  return "b4" + encodeBase64(data);
}

/** A binary message as a v3 binary packet (WebSocket frame): type byte 4, then the data. */
export function encodeBinaryMessageV3(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = V3_MESSAGE_BYTE;
  out.set(data, 1);
  return out;
}

/**
 * A v3 text packet in v4 form: `b4<base64>` becomes `b<base64>`; other text is unchanged. Null for a
 * base64 packet of another type than message (v3 only ever sends messages as binary).
 */
export function textPacketFromV3(text: string): string | null {
  if (text.charCodeAt(0) !== 98 /* b */) return text;
  return text.charCodeAt(1) === 52 /* 4 */ ? "b" + text.slice(2) : null;
}

/** The data of a v3 binary packet (type byte 4, then data); null for any other type. */
export function binaryPacketFromV3(packet: Uint8Array): Uint8Array | null {
  return packet.length > 0 && packet[0] === V3_MESSAGE_BYTE ? packet.subarray(1) : null;
}

/**
 * Encodes a polling payload. `binary`: the client takes binary payloads (its handshake had no `b64`);
 * then a payload with binary data is a binary payload, else (and always without `binary`) text.
 */
export function encodePayloadV3(items: readonly V3Item[], binary: boolean): string | Uint8Array {
  if (binary && items.some((item) => typeof item !== "string")) return encodeBinaryPayload(items);
  if (items.length === 0) return "0:";
  let out = "";
  for (const item of items) {
    const text = typeof item === "string" ? item : encodeBase64MessageV3(item);
    out += text.length + ":" + text;
  }
  return out;
}

function encodeBinaryPayload(items: readonly V3Item[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const item of items) {
    const text = typeof item === "string";
    const body = text ? encoder.encode(item) : encodeBinaryMessageV3(item);
    const digits = String(body.length);
    const header = new Uint8Array(digits.length + 2);
    header[0] = text ? 0 : 1;
    for (let i = 0; i < digits.length; i++) header[i + 1] = digits.charCodeAt(i) - 48;
    header[header.length - 1] = 255;
    parts.push(header, body);
    size += header.length + body.length;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Decodes a text polling payload into packets in v4 form; null when it is malformed. */
export function decodeTextPayloadV3(payload: string): V3Item[] | null {
  const out: V3Item[] = [];
  let pos = 0;
  const length = payload.length;
  if (length === 0) return null;
  while (pos < length) {
    const colon = payload.indexOf(":", pos);
    // At most 16 digits: a length past Number's safe range is malformed anyway.
    if (colon <= pos || colon - pos > 16) return null;
    let n = 0;
    for (let i = pos; i < colon; i++) {
      const digit = payload.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return null;
      n = n * 10 + digit;
    }
    const start = colon + 1;
    if (start + n > length) return null;
    if (n > 0) {
      const packet = textPacketFromV3(payload.slice(start, start + n));
      if (packet === null) return null;
      out.push(packet);
    }
    pos = start + n;
  }
  return out;
}

/** Decodes a binary polling payload (an `application/octet-stream` POST); null when it is malformed. */
export function decodeBinaryPayloadV3(payload: Uint8Array): V3Item[] | null {
  const out: V3Item[] = [];
  let pos = 0;
  const length = payload.length;
  if (length === 0) return null;
  while (pos < length) {
    const kind = payload[pos++];
    if (kind !== 0 && kind !== 1) return null;
    let n = 0;
    let digits = 0;
    for (;;) {
      if (pos >= length) return null;
      const b = payload[pos++]!;
      if (b === 255) break;
      if (b > 9 || ++digits > 16) return null;
      n = n * 10 + b;
    }
    if (digits === 0 || pos + n > length) return null;
    const body = payload.subarray(pos, pos + n);
    pos += n;
    const packet = kind === 0 ? textPacketFromV3(decoder.decode(body)) : binaryPacketFromV3(body);
    if (packet === null) return null;
    out.push(packet);
  }
  return out;
}
