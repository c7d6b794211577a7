import { Emitter } from "@switchboard/emitter";
import { isBinary, type BinaryChunk } from "./binary.js";
import type { Packet } from "./packet.js";
import { ACK, BINARY_EVENT, EVENT } from "./packet-type-codes.js";
import { CHECKS } from "#checks";
import { decodeErrorOf } from "#decode-error";
import { parsePacket, type Reviver } from "#parse-packet";
import { fillPlaceholders } from "#placeholders";

/** Options of {@link Decoder}. */
export interface DecoderOptions {
  /** Reviver passed to `JSON.parse` for every payload. */
  reviver?: Reviver;
  /**
   * Most binary attachments one packet may announce; more is a decode error (docs/protocol.md §2.3).
   * @defaultValue 10
   */
  maxAttachments?: number;
}

/** Events a {@link Decoder} emits. */
export interface DecoderReservedEvents {
  /** A complete packet (with its attachments in place for binary packets). */
  decoded: (packet: Packet) => void;
}

const DEFAULT_MAX_ATTACHMENTS = 10;

// The empty events map, spelled without `{}` (which the linter bans).
type NoEvents = Record<never, never>;

/**
 * Decodes Socket.IO packets from the Engine.IO messages of one connection, strictly (docs/protocol.md §2.7):
 * anything off-protocol throws a {@link DecodeError} from `add()`, and the caller closes the connection.
 * A binary packet is emitted once its text part and all its announced attachments have arrived, as an EVENT
 * or ACK with the binary values in place of the placeholders. Every emitted packet has the same four keys
 * (`type`, `nsp`, `data`, `id`; absent values are `undefined`), so consumers see one object shape.
 *
 * @example
 * const decoder = new Decoder();
 * decoder.on("decoded", (packet) => console.log(packet.type, packet.nsp, packet.data));
 * decoder.add('2["hello",1]'); // logs 2 "/" ["hello", 1]
 */
export class Decoder extends Emitter<NoEvents, NoEvents, DecoderReservedEvents> {
  readonly #reviver: Reviver | undefined;
  readonly #maxAttachments: number;
  /** Binary packet waiting for attachments, and those received so far. */
  #pending: Packet | undefined;
  #attachments: BinaryChunk[] = [];

  /**
   * @param opts Decoder options, or (as socket.io-parser accepts) just a `JSON.parse` reviver.
   *
   * @example
   * new Decoder({ maxAttachments: 4 });
   */
  constructor(opts?: DecoderOptions | Reviver) {
    super();
    const options = typeof opts === "function" ? { reviver: opts } : (opts ?? {});
    this.#reviver = options.reviver;
    this.#maxAttachments = options.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  }

  /**
   * Feeds one Engine.IO message: a string (a packet, or the text part of a binary packet) or binary data (the
   * next attachment). Binary chunks are kept as given (Buffer, ArrayBuffer, ...). Throws a
   * {@link DecodeError} on bad input; the decoder is then ready for a fresh packet.
   *
   * @example
   * decoder.add('51-["file",{"_placeholder":true,"num":0}]');
   * decoder.add(new Uint8Array([1, 2, 3])); // emits "decoded" with the bytes in place
   */
  add(chunk: string | BinaryChunk): void {
    if (typeof chunk === "string") {
      if (this.#pending !== undefined) {
        this.#reset();
        throw decodeErrorOf("UNEXPECTED_TEXT");
      }
      const packet = parsePacket(chunk, this.#maxAttachments, this.#reviver);
      // A binary packet announces at least one attachment (parsePacket refuses 0).
      if (packet.attachments === undefined) this.emitReserved("decoded", packet);
      else this.#pending = packet;
      return;
    }
    // Only the calling code can pass anything else: a developer check, left out of browser production builds.
    if (CHECKS && !isBinary(chunk)) {
      this.#reset(); // like every other error: the decoder is ready for a fresh packet
      throw decodeErrorOf("BAD_CHUNK");
    }
    const packet = this.#pending;
    if (packet === undefined) throw decodeErrorOf("UNEXPECTED_BINARY");
    const attachments = this.#attachments;
    attachments.push(chunk);
    if (attachments.length < (packet.attachments as number)) return;
    this.#pending = undefined;
    this.#attachments = [];
    this.#complete(packet, attachments);
  }

  /**
   * Drops a binary packet still waiting for attachments. Call it when the connection closes.
   *
   * @example
   * conn.on("close", () => decoder.destroy());
   */
  destroy(): void {
    this.#reset();
  }

  /**
   * Emits a reassembled binary packet as the EVENT/ACK it carries, with the same four keys as text packets:
   * once the attachments are in place the binary type says nothing more, and socket.io-parser reports it
   * the same way, so consumers handle one type per purpose.
   */
  #complete(header: Packet, attachments: readonly BinaryChunk[]): void {
    const data = fillPlaceholders(header.data, attachments, this.#reviver !== undefined);
    const type = header.type === BINARY_EVENT ? EVENT : ACK;
    this.emitReserved("decoded", { type, nsp: header.nsp, data, id: header.id });
  }

  #reset(): void {
    this.#pending = undefined;
    this.#attachments = [];
  }
}
