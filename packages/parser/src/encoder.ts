import { replaceBinary, type Attachment } from "./binary.js";
import { CHECKS } from "#checks";
import { ENCODE_BAD_TYPE, EncodeError } from "./errors.js";
import type { Packet, PacketType } from "./packet.js";
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
} from "./packet-type-codes.js";

/** A `JSON.stringify` replacer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature JSON.stringify itself declares
export type Replacer = (this: any, key: string, value: any) => any;

/**
 * What `encode()` returns: the text part, then one entry per attachment, each to be sent as its own
 * Engine.IO message, in order. Attachments are Uint8Arrays (Node Buffers stay Buffers); a Blob/File given by
 * the application (browsers) is passed through untouched, since its bytes can only be read asynchronously.
 */
export type EncodedPacket = [string, ...Attachment[]];

/**
 * Encodes Socket.IO packets (docs/protocol.md §2.2, §2.3). Stateless: one instance can serve every connection.
 *
 * @example
 * const encoder = new Encoder();
 * encoder.encode({ type: PacketType.EVENT, nsp: "/chat", data: ["msg", "hi"], id: 7 });
 * // ['2/chat,7["msg","hi"]']
 */
export class Encoder {
  readonly #replacer: Replacer | undefined;

  /**
   * @param replacer Passed to `JSON.stringify` for every payload.
   *
   * @example
   * new Encoder((key, value) => (typeof value === "bigint" ? value.toString() : value));
   */
  constructor(replacer?: Replacer) {
    this.#replacer = replacer;
  }

  /**
   * Encodes `packet`. An EVENT or ACK whose data holds binary values (Buffer, ArrayBuffer, typed arrays,
   * Blob) becomes a BINARY_EVENT / BINARY_ACK: placeholders in the JSON, then the attachments; a
   * BINARY_EVENT / BINARY_ACK without binary data is sent as EVENT / ACK. The packet and its data are not
   * modified.
   *
   * @example
   * encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["file", new Uint8Array([1, 2])] });
   * // ['51-["file",{"_placeholder":true,"num":0}]', Uint8Array [1, 2]]
   */
  encode(packet: Packet): EncodedPacket {
    const type = packet.type;
    if (type === EVENT || type === BINARY_EVENT || type === ACK || type === BINARY_ACK) {
      // The data decides between EVENT and BINARY_EVENT, whatever the caller said: a 0-attachment binary
      // packet is refused by socket.io-parser 4.2.7, so it is never produced. Without binary,
      // `replaceBinary` returns the data itself (no copy) and finds nothing: a single JSON.stringify.
      const attachments: Attachment[] = [];
      const data = replaceBinary(packet.data, attachments);
      const ack = type === ACK || type === BINARY_ACK;
      if (attachments.length === 0)
        return [this.#text(ack ? ACK : EVENT, packet.nsp, packet.id, data, -1)];
      const text = this.#text(
        ack ? BINARY_ACK : BINARY_EVENT,
        packet.nsp,
        packet.id,
        data,
        attachments.length,
      );
      return [text, ...attachments];
    }
    // The packet comes from code, not from a peer: a developer check, left out of browser production builds.
    if (CHECKS && type !== CONNECT && type !== DISCONNECT && type !== CONNECT_ERROR)
      throw new EncodeError(ENCODE_BAD_TYPE, `unknown packet type: ${String(type)}`);
    return [this.#text(type, packet.nsp, packet.id, packet.data, -1)];
  }

  /** `<type>[<n>-][<nsp>,][<id>][<json>]`; `attachments < 0` means not a binary packet. */
  #text(
    type: PacketType,
    nsp: string,
    id: number | undefined,
    data: unknown,
    attachments: number,
  ): string {
    let str = `${type}`;
    if (attachments >= 0) str += attachments + "-";
    // §2.2: the namespace is written only when it is not the main one.
    if (nsp && nsp !== "/") str += nsp + ",";
    if (id !== undefined && id !== null) str += id;
    if (data !== undefined && data !== null) {
      // An undefined replacer is ignored. (`undefined` for data JSON cannot represent, e.g. a function.)
      const json: string | undefined = JSON.stringify(data, this.#replacer);
      if (json !== undefined) str += json;
    }
    return str;
  }
}
