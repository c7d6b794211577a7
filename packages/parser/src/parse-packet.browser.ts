// Browser build of parse-packet.ts (picked by the client bundler): the same grammar, checks and error codes,
// with small regexes instead of the server's allocation-free char scan, and the rules of packet.ts
// (`ackIdError`, `payloadError`) folded into a few expressions. The parser tests run against both builds.
import { decodeError } from "./decode-error.js";
import {
  BAD_ACK_ID,
  BAD_ATTACHMENTS,
  BAD_NAMESPACE,
  BAD_TYPE,
  INVALID_JSON,
  INVALID_PAYLOAD,
  RESERVED_EVENT,
  TOO_MANY_ATTACHMENTS,
} from "./errors.js";
import { PacketType, RESERVED_EVENTS, type Packet } from "./packet.js";
import type { Reviver } from "./parse-packet.js";

export type { Reviver };

const isObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

/** See parse-packet.ts. @internal */
export function parsePacket(str: string, maxAttachments: number, reviver: Reviver | undefined): Packet {
  const type = str.charCodeAt(0) - 48; // NaN for "", which fails the range check
  if (!(type >= PacketType.CONNECT && type <= PacketType.BINARY_ACK)) throw decodeError(BAD_TYPE);
  let rest = str.slice(1);

  let attachments: number | undefined;
  if (type > PacketType.CONNECT_ERROR) {
    const count = /^(\d+)-/.exec(rest);
    // A count of 0 is refused too (socket.io-parser 4.2.7).
    if (!count || !(attachments = +(count[1] as string))) throw decodeError(BAD_ATTACHMENTS);
    if (attachments > maxAttachments) throw decodeError(TOO_MANY_ATTACHMENTS);
    rest = rest.slice(count[0].length);
  }

  let nsp = "/";
  if (rest[0] === "/") {
    const comma = rest.indexOf(",");
    // `40/random` (no comma) is a valid CONNECT; types that need a payload cannot end here.
    if (comma < 0 && type > PacketType.DISCONNECT) throw decodeError(BAD_NAMESPACE);
    const end = comma < 0 ? rest.length : comma;
    nsp = rest.slice(0, end);
    rest = rest.slice(end + 1);
  }

  const digits = (/^\d*/.exec(rest) as RegExpExecArray)[0];
  const id = digits ? +digits : undefined;
  rest = rest.slice(digits.length);
  const isEvent = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
  const isAck = type === PacketType.ACK || type === PacketType.BINARY_ACK;
  // Only EVENTs and ACKs carry an ack id (the digits make it non-negative); an ACK must.
  if (id === undefined ? isAck : !Number.isSafeInteger(id) || !(isAck || isEvent)) throw decodeError(BAD_ACK_ID);

  let data: unknown;
  if (rest) {
    try {
      data = JSON.parse(rest, reviver);
    } catch (err) {
      throw decodeError(INVALID_JSON, err);
    }
  }
  // The payload rules of docs/protocol.md §2.1 (payloadError in packet.ts).
  const name = (data as unknown[] | undefined)?.[0];
  const fits =
    type === PacketType.CONNECT
      ? data === undefined || isObject(data)
      : type === PacketType.DISCONNECT
        ? data === undefined
        : type === PacketType.CONNECT_ERROR
          ? typeof data === "string" || isObject(data)
          : Array.isArray(data) && (isAck || typeof name === "number" || typeof name === "string");
  if (!fits) throw decodeError(INVALID_PAYLOAD);
  if (isEvent && RESERVED_EVENTS.has(name as string)) throw decodeError(RESERVED_EVENT);
  return attachments === undefined ? { type, nsp, data, id } : { type, nsp, data, id, attachments };
}
