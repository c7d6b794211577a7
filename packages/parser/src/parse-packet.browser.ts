// Browser build of parse-packet.ts (picked by the client bundler): the same grammar, checks and error codes,
// with small regexes instead of the server's allocation-free char scan, and the rules of packet.ts
// (`ackIdError`, `payloadError`) folded into a few expressions. Codes are given by name (`decodeErrorOf`), so the
// bundle spells their common prefix once. The parser tests run against both builds.
import { decodeErrorOf } from "#decode-error";
import { RESERVED_EVENTS, type Packet } from "./packet.js";
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
} from "./packet-type-codes.js";
import type { Reviver } from "./parse-packet.js";

export type { Reviver };

const isObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);

/** See parse-packet.ts. @internal */
export function parsePacket(
  str: string,
  maxAttachments: number,
  reviver: Reviver | undefined,
): Packet {
  const type = str.charCodeAt(0) - 48; // NaN for "", which fails the range check
  if (!(type >= CONNECT && type <= BINARY_ACK)) throw decodeErrorOf("BAD_TYPE");
  let rest = str.slice(1);

  let attachments: number | undefined;
  if (type > CONNECT_ERROR) {
    const count = /^(\d+)-/.exec(rest);
    // A count of 0 is refused too (socket.io-parser 4.2.7).
    if (!count || !(attachments = +(count[1] as string))) throw decodeErrorOf("BAD_ATTACHMENTS");
    if (attachments > maxAttachments) throw decodeErrorOf("TOO_MANY_ATTACHMENTS");
    rest = rest.slice(count[0].length);
  }

  // `[/nsp[,]][id][json]`: a namespace runs to the first comma (or the end); `40/random` (no comma) is a valid
  // CONNECT, but types that need a payload cannot end there.
  const [, nsp = "/", comma, digits, json] = /^(?:(\/[^,]*)(,?))?(\d*)([^]*)/.exec(
    rest,
  ) as string[];
  if (comma === "" && type > DISCONNECT) throw decodeErrorOf("BAD_NAMESPACE");
  const id = digits ? +digits : undefined;
  const isEvent = type === EVENT || type === BINARY_EVENT;
  const isAck = type === ACK || type === BINARY_ACK;
  // Only EVENTs and ACKs carry an ack id (the digits make it non-negative); an ACK must.
  if (id === undefined ? isAck : !Number.isSafeInteger(id) || !(isAck || isEvent))
    throw decodeErrorOf("BAD_ACK_ID");

  let data: unknown;
  if (json) {
    try {
      data = JSON.parse(json, reviver);
    } catch (err) {
      throw decodeErrorOf("INVALID_JSON", err);
    }
  }
  // The payload rules of docs/protocol.md §2.1 (payloadError in packet.ts).
  const name = (data as unknown[] | undefined)?.[0];
  const fits =
    type === CONNECT
      ? data === undefined || isObject(data)
      : type === DISCONNECT
        ? data === undefined
        : type === CONNECT_ERROR
          ? typeof data === "string" || isObject(data)
          : Array.isArray(data) && (isAck || typeof name === "number" || typeof name === "string");
  if (!fits) throw decodeErrorOf("INVALID_PAYLOAD");
  if (isEvent && RESERVED_EVENTS.has(name as string)) throw decodeErrorOf("RESERVED_EVENT");
  return attachments === undefined ? { type, nsp, data, id } : { type, nsp, data, id, attachments };
}
