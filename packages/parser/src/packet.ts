import {
  BAD_ACK_ID,
  BAD_TYPE,
  INVALID_PAYLOAD,
  RESERVED_EVENT,
  type DecodeErrorCode,
} from "./errors.js";
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
} from "./packet-type-codes.js";
import type { PacketType } from "./packet-type.js";

/** Socket.IO protocol revision implemented by this codec. */
export const protocol = 5;

// In its own module, which bundlers drop (the package has no side effects) unless the enum object is used: the
// parser and the client use the plain constants of packet-type-codes.ts.
export { PacketType } from "./packet-type.js";

/** A Socket.IO packet, as given to `Encoder#encode()` and emitted by `Decoder` (`decoded`). */
export interface Packet {
  type: PacketType;
  /** Namespace, starting with `/`. */
  nsp: string;
  /** Payload: auth/handshake object, `[eventName, ...args]`, ack arguments, or connect error. */
  data?: unknown;
  /** Acknowledgement id (EVENT asking for an ack, or the ACK answering it). */
  id?: number | undefined;
  /** Number of binary attachments (binary packet types only). */
  attachments?: number | undefined;
}

/** Event names an EVENT may not carry (docs/protocol.md §2.8): they are the sockets' own lifecycle events. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a payload against the rule of its packet type (docs/protocol.md §2.1).
 * Returns `undefined` when it fits, else the code of the decode error it deserves.
 * @internal
 */
export function payloadError(type: PacketType, data: unknown): DecodeErrorCode | undefined {
  switch (type) {
    case CONNECT:
      return data === undefined || isObject(data) ? undefined : INVALID_PAYLOAD;
    case DISCONNECT:
      return data === undefined ? undefined : INVALID_PAYLOAD;
    case EVENT:
    case BINARY_EVENT: {
      if (!Array.isArray(data) || data.length === 0) return INVALID_PAYLOAD;
      const name: unknown = data[0];
      if (typeof name === "number") return undefined;
      if (typeof name !== "string") return INVALID_PAYLOAD;
      return RESERVED_EVENTS.has(name) ? RESERVED_EVENT : undefined;
    }
    case ACK:
    case BINARY_ACK:
      return Array.isArray(data) ? undefined : INVALID_PAYLOAD;
    case CONNECT_ERROR:
      return typeof data === "string" || isObject(data) ? undefined : INVALID_PAYLOAD;
    default:
      return BAD_TYPE;
  }
}

/** Only EVENTs and ACKs carry an ack id; an ACK must. @internal */
export function ackIdError(type: PacketType, id: number | undefined): DecodeErrorCode | undefined {
  const isAck = type === ACK || type === BINARY_ACK;
  const bad =
    id === undefined
      ? isAck
      : !Number.isSafeInteger(id) || id < 0 || !(isAck || type === EVENT || type === BINARY_EVENT);
  return bad ? BAD_ACK_ID : undefined;
}

/**
 * Whether `packet` is a well-formed Socket.IO packet by the same rules the `Decoder` enforces: a known type, a
 * namespace starting with `/`, a valid ack id for the type, a payload fitting the type and, for binary types,
 * a non-negative integer attachment count. Useful to validate packets produced by a custom parser. (A plain
 * `boolean`, not a type guard: narrowing an already typed `Packet` to `never` on `false` would only surprise.)
 *
 * @example
 * isPacketValid({ type: PacketType.EVENT, nsp: "/", data: ["hello", 1] }); // true
 * isPacketValid({ type: PacketType.EVENT, nsp: "/", data: ["connect"] }); // false (reserved name)
 */
export function isPacketValid(packet: unknown): boolean {
  if (typeof packet !== "object" || packet === null) return false;
  const { type, nsp, id, data, attachments } = packet as Record<string, unknown>;
  if (typeof type !== "number" || !Number.isInteger(type) || type < 0 || type > 6) return false;
  if (typeof nsp !== "string" || nsp.charCodeAt(0) !== 47 /* "/" */) return false;
  if (id !== undefined && typeof id !== "number") return false;
  if (ackIdError(type, id) !== undefined || payloadError(type, data) !== undefined) return false;
  if (attachments === undefined) return true;
  const binary = type === BINARY_EVENT || type === BINARY_ACK;
  return (
    binary &&
    typeof attachments === "number" &&
    Number.isSafeInteger(attachments) &&
    attachments >= 0
  );
}
