// Allocation-free reading and cheap writing of Engine.IO v4 text packets, for a server's hot paths
// (docs/protocol.md §1.2, §1.3). `decodePacket` builds an object per packet; these helpers let the
// receiver branch on the type character and slice the data only when it needs it, and let the
// sender write the few constant packets without encoding anything.
import { PacketTypes, SEPARATOR, type PacketTypeCode } from "./packet.js";

const CODE_0 = 48; // "0"
const CODE_6 = 54; // "6"
const CODE_B = 98; // "b"

/** What `scanPacketType` returns for a `b`-prefixed binary message in base64 (polling, §1.2). */
export const BASE64_MESSAGE = -2;
/** What `scanPacketType` returns for an empty packet or an unknown first character. */
export const INVALID_PACKET = -1;

/** Result of `scanPacketType`: a type digit, `BASE64_MESSAGE` or `INVALID_PACKET`. */
export type ScannedType = PacketTypeCode | typeof BASE64_MESSAGE | typeof INVALID_PACKET;

/** Index of a text packet's data (after its one-character type). */
export const DATA_OFFSET = 1;

/** Prefix of a `message` packet in text form. */
export const MESSAGE_PREFIX = "4";
/** Prefix of a binary `message` in text form, followed by its base64 (§1.2). */
export const BASE64_PREFIX = "b";

/** The constant packets a server writes, in wire form. */
export const EncodedPackets = {
  close: "1",
  ping: "2",
  pong: "3",
  upgrade: "5",
  noop: "6",
  /** The client's ping on an upgrade probe (§1.6). */
  probePing: "2probe",
  /** The server's answer to `probePing`. */
  probePong: "3probe",
} as const;

/** The wire form of a `close` or `noop` packet (what answers a pending poll when a session ends). */
export type FinalPacket = typeof EncodedPackets.close | typeof EncodedPackets.noop;

/** The fields of the `open` packet's JSON (docs/protocol.md §1.4). */
export interface OpenHandshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/**
 * Reads the type of the text packet at `text[start..end)` without allocating: the type digit
 * (0..6), `BASE64_MESSAGE` for `b` + base64, `INVALID_PACKET` when empty or unknown. Its data
 * starts at `start + DATA_OFFSET`.
 * @example
 * scanPacketType("4hello") // 4 (PacketTypes.message)
 * scanPacketType("bAQID") // BASE64_MESSAGE
 * scanPacketType("9") // INVALID_PACKET
 */
export function scanPacketType(text: string, start = 0, end = text.length): ScannedType {
  if (end <= start) return INVALID_PACKET;
  const code = text.charCodeAt(start);
  if (code >= CODE_0 && code <= CODE_6) return (code - CODE_0) as PacketTypeCode;
  return code === CODE_B ? BASE64_MESSAGE : INVALID_PACKET;
}

/**
 * End of the payload segment that begins at `start`: the index of the next record separator, or
 * the payload's length for the last segment (§1.3). The next segment starts one past it.
 * @example
 * const payload = "4a\x1e2";
 * segmentEnd(payload, 0) // 2
 * segmentEnd(payload, 3) // 4 (payload.length: the last segment)
 */
export function segmentEnd(payload: string, start: number): number {
  const end = payload.indexOf(SEPARATOR, start);
  return end === -1 ? payload.length : end;
}

/**
 * A text `message` packet in wire form.
 * @example encodeTextMessage("hello") // "4hello"
 */
export function encodeTextMessage(data: string): string {
  return MESSAGE_PREFIX + data;
}

/**
 * The `open` packet in wire form (§1.4).
 * @example encodeOpenPacket({ sid: "abc", upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })
 * // '0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'
 */
export function encodeOpenPacket(handshake: OpenHandshake): string {
  return PacketTypes.open + JSON.stringify(handshake);
}

/**
 * Length in characters of the text form of a binary message of `byteLength` bytes (`b` and padded
 * base64), computed without encoding it.
 * @example base64MessageLength(4) // 9 ("bAQIDBA==")
 */
export function base64MessageLength(byteLength: number): number {
  return BASE64_PREFIX.length + 4 * Math.ceil(byteLength / 3);
}
