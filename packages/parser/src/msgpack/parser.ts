// The msgpack Socket.IO parser (socket.io-msgpack-parser 3.x on the wire): each packet is one msgpack map
// `{ type, nsp, data?, id? }` sent as one binary Engine.IO message. Binary values travel inside it, so there are
// no attachments and no BINARY_EVENT/BINARY_ACK types (socket.io-msgpack-parser refuses types 5 and 6).
import { Emitter } from "@switchboard/emitter";
import { decodeError } from "#decode-error";
import {
  BAD_ACK_ID,
  BAD_CHUNK,
  BAD_NAMESPACE,
  BAD_TYPE,
  TOO_MANY_ATTACHMENTS,
  type DecodeErrorCode,
} from "../errors.js";
import { ackIdError, payloadError, type Packet, type PacketType } from "../packet.js";
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  EVENT,
} from "../packet-type-codes.js";
import type { DecoderReservedEvents } from "../decoder.js";
import { decode } from "./decode.js";
import { encode } from "./encode.js";

/** Options of the msgpack {@link Decoder}. */
export interface MsgpackDecoderOptions {
  /**
   * Most binary (`bin`) values one packet may carry. Unset: no limit, as socket.io-msgpack-parser (the message
   * size is bounded by the engine's `maxHttpBufferSize` anyway). The server passes its `maxAttachments` here.
   */
  maxAttachments?: number;
  /** Deepest nesting of arrays/maps accepted. @defaultValue 100 */
  maxDepth?: number;
}

type NoEvents = Record<never, never>;

/**
 * Encodes Socket.IO packets as msgpack, one binary message per packet. Stateless.
 *
 * @example
 * import * as msgpack from "@switchboard/parser/msgpack";
 * new msgpack.Encoder().encode({ type: 2, nsp: "/", data: ["hello", new Uint8Array([1])] }); // [Uint8Array]
 */
export class Encoder {
  encode(packet: Packet): [Uint8Array] {
    const type = packet.type;
    // Binary values need no attachments here: a BINARY_EVENT/BINARY_ACK asked for by the caller is sent as the
    // EVENT/ACK that socket.io-msgpack-parser accepts.
    const wireType = type === BINARY_EVENT ? EVENT : type === BINARY_ACK ? ACK : type;
    const out: { type: PacketType; nsp: string; data?: unknown; id?: number } = {
      type: wireType,
      nsp: packet.nsp,
    };
    if (packet.data !== undefined) out.data = packet.data;
    if (packet.id !== undefined && packet.id !== null) out.id = packet.id;
    return [encode(out)];
  }
}

/**
 * Decodes msgpack Socket.IO packets, strictly: bytes that are not msgpack throw a `MsgpackDecodeError`, a packet
 * that breaks docs/protocol.md §2.1 (unknown type, namespace not starting with `/`, payload or ack id not fitting
 * the type, reserved event name) throws a `DecodeError`; the caller closes the connection. Emits packets with the
 * four keys `type`, `nsp`, `data`, `id`, like the default Decoder; other keys on the wire (socket.io-client sends
 * `options`) are dropped.
 *
 * @example
 * const decoder = new Decoder();
 * decoder.on("decoded", (packet) => console.log(packet.data));
 * decoder.add(bytes);
 */
export class Decoder extends Emitter<NoEvents, NoEvents, DecoderReservedEvents> {
  readonly #maxAttachments: number;
  readonly #maxDepth: number;

  /** @example new Decoder({ maxAttachments: 10 }); */
  constructor(opts: MsgpackDecoderOptions = {}) {
    super();
    this.#maxAttachments = opts.maxAttachments ?? Infinity;
    this.#maxDepth = opts.maxDepth ?? 100;
  }

  /**
   * Decodes one Engine.IO message (binary: Buffer, ArrayBuffer or a view) and emits `decoded`.
   * @example decoder.add(new Uint8Array([0x82, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x00, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f]));
   */
  add(chunk: unknown): void {
    if (!(chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk))) throw decodeError(BAD_CHUNK);
    const value = decode(chunk, { maxDepth: this.#maxDepth });
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw decodeError(BAD_TYPE);
    const { type, nsp, data, id } = value as Record<string, unknown>;
    const fail = (code: DecodeErrorCode | undefined): void => {
      if (code !== undefined) throw decodeError(code);
    };
    if (
      typeof type !== "number" ||
      !Number.isInteger(type) ||
      type < CONNECT ||
      type > CONNECT_ERROR
    )
      fail(BAD_TYPE);
    if (typeof nsp !== "string" || nsp.charCodeAt(0) !== 47 /* "/" */) fail(BAD_NAMESPACE);
    if (id !== undefined && typeof id !== "number") fail(BAD_ACK_ID);
    fail(payloadError(type as PacketType, data));
    fail(ackIdError(type as PacketType, id as number | undefined));
    if (
      this.#maxAttachments !== Infinity &&
      countBinary(data, this.#maxAttachments) > this.#maxAttachments
    )
      fail(TOO_MANY_ATTACHMENTS);
    this.emitReserved("decoded", {
      type: type as PacketType,
      nsp: nsp as string,
      data,
      id: id as number | undefined,
    });
  }

  /** Nothing is buffered between messages; here for the parser interface. @example decoder.destroy(); */
  destroy(): void {}
}

/** Binary values in `value`, counting stops past `max`. (Depth is already bounded by the decoder.) */
function countBinary(value: unknown, max: number, n = 0): number {
  if (n > max || typeof value !== "object" || value === null) return n;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return n + 1;
  for (const v of Object.values(value)) {
    n = countBinary(v, max, n);
    if (n > max) break;
  }
  return n;
}
