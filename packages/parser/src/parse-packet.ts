// The text grammar of docs/protocol.md §2.2: <type>[<attachments>-][<nsp>,][<ack id>][<JSON payload>].
// A single left-to-right char scan; no regex, no intermediate arrays.
// The browser bundle swaps in parse-packet.browser.ts (same grammar and errors, smaller, not tuned for servers).
import { decodeError } from "#decode-error";
import {
  BAD_ATTACHMENTS,
  BAD_NAMESPACE,
  BAD_TYPE,
  INVALID_JSON,
  TOO_MANY_ATTACHMENTS,
} from "./errors.js";
import { ackIdError, payloadError, type Packet } from "./packet.js";
import { BINARY_ACK, BINARY_EVENT, CONNECT, DISCONNECT } from "./packet-type-codes.js";

/** A `JSON.parse` reviver. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature JSON.parse itself declares
export type Reviver = (this: any, key: string, value: any) => any;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DASH = 45;
const SLASH = 47;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * Parses the text part of a packet. Binary packet types come back with `attachments` set and placeholders
 * still in `data`.
 * @internal
 */
export function parsePacket(
  str: string,
  maxAttachments: number,
  reviver: Reviver | undefined,
): Packet {
  const len = str.length;
  const type = str.charCodeAt(0) - DIGIT_0; // NaN for "", which fails the range check
  if (!(type >= CONNECT && type <= BINARY_ACK)) throw decodeError(BAD_TYPE);
  let i = 1;

  let attachments: number | undefined;
  if (type === BINARY_EVENT || type === BINARY_ACK) {
    let n = 0;
    while (i < len && isDigit(str.charCodeAt(i))) n = n * 10 + (str.charCodeAt(i++) - DIGIT_0);
    // No digits leaves n at 0: "5-" and "50-" alike. §2.3: socket.io-parser >= 4.2.7 refuses 0 attachments.
    if (n === 0 || str.charCodeAt(i) !== DASH) throw decodeError(BAD_ATTACHMENTS);
    // §2.3: socket.io-parser >= 4.2.6 refuses more than maxAttachments (default 10).
    if (n > maxAttachments) throw decodeError(TOO_MANY_ATTACHMENTS);
    attachments = n;
    i++;
  }

  let nsp = "/";
  if (str.charCodeAt(i) === SLASH) {
    const comma = str.indexOf(",", i);
    // §2.2: `40/random` (no comma) is a valid CONNECT; types that need a payload cannot end here.
    if (comma === -1 && type > DISCONNECT) throw decodeError(BAD_NAMESPACE);
    const end = comma === -1 ? len : comma;
    nsp = str.slice(i, end);
    i = end + 1; // past the comma, or past the end
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
      data = JSON.parse(json, reviver); // an undefined reviver is ignored
    } catch (err) {
      throw decodeError(INVALID_JSON, err);
    }
  }
  const dataError = payloadError(type, data);
  if (dataError !== undefined) throw decodeError(dataError);

  // Text packets get the four keys every emitted packet has; a binary header also carries its count.
  return attachments === undefined ? { type, nsp, data, id } : { type, nsp, data, id, attachments };
}
