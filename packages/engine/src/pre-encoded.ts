import { BASE64_PREFIX, encodeTextMessage } from "@switchboard/engine-parser/internal";
import { BINARY, TEXT, frame } from "./transports/ws-frames.js";

// Broadcast fast path: a `message` packet encoded once and written to many sockets. The polling
// text (`4<text>` or `b<base64>`, docs/protocol.md §1.2) and the WebSocket frame are built lazily, on
// first use, and then shared by every recipient, so a broadcast to N sockets costs one encoding,
// one framing and N writes.

/**
 * A `message` packet encoded once for many recipients. Create it with `preEncode()` and pass it
 * to `socket.send()` of each recipient instead of the raw data.
 */
export class PreEncodedPacket {
  /** The message payload: text, or bytes. */
  readonly data: string | Buffer;
  #text: string | undefined;
  #frame: readonly Buffer[] | undefined;
  #size = -1;

  constructor(data: string | Buffer | ArrayBuffer | ArrayBufferView) {
    if (typeof data === "string" || Buffer.isBuffer(data)) this.data = data;
    else if (data instanceof ArrayBuffer) this.data = Buffer.from(data);
    else if (ArrayBuffer.isView(data))
      this.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError("preEncode() takes a string, Buffer, ArrayBuffer or typed array");
  }

  /** Whether the payload is binary. */
  get binary(): boolean {
    return typeof this.data !== "string";
  }

  /** @internal The packet as one segment of a polling payload. */
  get pollingText(): string {
    if (this.#text === undefined) {
      const data = this.data;
      this.#text =
        typeof data === "string"
          ? encodeTextMessage(data)
          : BASE64_PREFIX + data.toString("base64");
    }
    return this.#text;
  }

  /** @internal The size of the packet as written (its polling text, or its bytes), for backpressure. */
  get byteLength(): number {
    if (this.#size < 0) {
      const data = this.data;
      this.#size = typeof data === "string" ? Buffer.byteLength(data) + 1 : data.length;
    }
    return this.#size;
  }

  /** @internal What a WebSocket carries when framed by `ws` itself (text with its `4` prefix, or raw bytes). */
  get wsData(): string | Buffer {
    return typeof this.data === "string" ? this.pollingText : this.data;
  }

  /**
   * @internal The complete unmasked WebSocket frame, header and payload in one Buffer (one plain
   * write per recipient; the payload is copied once per broadcast, not per recipient).
   */
  get wsFrame(): readonly Buffer[] {
    if (this.#frame === undefined) {
      const data = this.data;
      this.#frame = [
        typeof data === "string"
          ? frame(TEXT, Buffer.from(this.pollingText, "utf8"))
          : frame(BINARY, data),
      ];
    }
    return this.#frame;
  }
}

/**
 * Encodes a `message` packet once, for sending the same data to many sockets.
 * @example
 * const packet = preEncode(JSON.stringify(update));
 * for (const socket of sockets) socket.send(packet);
 */
export function preEncode(data: string | Buffer | ArrayBuffer | ArrayBufferView): PreEncodedPacket {
  return new PreEncodedPacket(data);
}
