// The text grammar of PROTOCOL.md §2.2: <type>[<attachments>-][<nsp>,][<ack id>][<JSON payload>].
// A single left-to-right char scan; no regex, no intermediate arrays.
import { DecodeError, DecodeErrorCode } from "./errors.js";
import { ackIdError, PacketType, payloadError, type Packet } from "./packet.js";

/** A `JSON.parse` reviver. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature JSON.parse itself declares
export type Reviver = (this: any, key: string, value: any) => any;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DASH = 45;
const SLASH = 47;

const MESSAGES: Record<DecodeErrorCode, string> = {
  [DecodeErrorCode.BAD_TYPE]: "unknown packet type",
  [DecodeErrorCode.BAD_ATTACHMENTS]: "illegal attachment count",
  [DecodeErrorCode.TOO_MANY_ATTACHMENTS]: "too many attachments",
  [DecodeErrorCode.BAD_NAMESPACE]: "namespace not terminated by ','",
  [DecodeErrorCode.BAD_ACK_ID]: "illegal ack id",
  [DecodeErrorCode.INVALID_JSON]: "invalid payload (not JSON)",
  [DecodeErrorCode.INVALID_PAYLOAD]: "invalid payload for packet type",
  [DecodeErrorCode.RESERVED_EVENT]: "reserved event name",
  [DecodeErrorCode.UNEXPECTED_BINARY]: "got binary data when not reconstructing a packet",
  [DecodeErrorCode.UNEXPECTED_TEXT]: "got text data while reconstructing a packet",
  [DecodeErrorCode.BAD_PLACEHOLDER]: "illegal placeholder",
  [DecodeErrorCode.BAD_CHUNK]: "chunk is neither a string nor binary data",
};

/** @internal */
export function decodeError(code: DecodeErrorCode, cause?: unknown): DecodeError {
  return new DecodeError(code, MESSAGES[code], cause === undefined ? undefined : { cause });
}

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * Parses the text part of a packet. Binary packet types come back with `attachments` set and placeholders
 * still in `data`.
 * @internal
 */
export function parsePacket(str: string, maxAttachments: number, reviver: Reviver | undefined): Packet {
  const len = str.length;
  const type = str.charCodeAt(0) - DIGIT_0; // NaN for "", which fails the range check
  if (!(type >= PacketType.CONNECT && type <= PacketType.BINARY_ACK)) throw decodeError(DecodeErrorCode.BAD_TYPE);
  let i = 1;

  let attachments: number | undefined;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    let n = 0;
    while (i < len && isDigit(str.charCodeAt(i))) n = n * 10 + (str.charCodeAt(i++) - DIGIT_0);
    if (i === 1 || str.charCodeAt(i) !== DASH) throw decodeError(DecodeErrorCode.BAD_ATTACHMENTS);
    // §2.3: socket.io-parser >= 4.2.6 refuses more than maxAttachments (default 10).
    if (n > maxAttachments) throw decodeError(DecodeErrorCode.TOO_MANY_ATTACHMENTS);
    attachments = n;
    i++;
  }

  let nsp = "/";
  if (str.charCodeAt(i) === SLASH) {
    const comma = str.indexOf(",", i);
    if (comma === -1) {
      // §2.2: `40/random` (no comma) is a valid CONNECT; types that need a payload cannot end here.
      if (type !== PacketType.CONNECT && type !== PacketType.DISCONNECT) {
        throw decodeError(DecodeErrorCode.BAD_NAMESPACE);
      }
      nsp = str.slice(i);
      i = len;
    } else {
      nsp = str.slice(i, comma);
      i = comma + 1;
    }
  }

  let id: number | undefined;
  if (i < len && isDigit(str.charCodeAt(i))) {
    id = 0;
    while (i < len && isDigit(str.charCodeAt(i))) id = id * 10 + (str.charCodeAt(i++) - DIGIT_0);
  }
  const idError = ackIdError(type, id);
  if (idError !== undefined) throw decodeError(idError);

  let data: unknown;
  if (i < len) {
    const json = str.slice(i);
    try {
      data = reviver === undefined ? JSON.parse(json) : JSON.parse(json, reviver);
    } catch (err) {
      throw decodeError(DecodeErrorCode.INVALID_JSON, err);
    }
  }
  const dataError = payloadError(type, data);
  if (dataError !== undefined) throw decodeError(dataError);

  // Text packets get the four keys every emitted packet has; a binary header also carries its count.
  return attachments === undefined ? { type, nsp, data, id } : { type, nsp, data, id, attachments };
}
