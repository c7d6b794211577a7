import type { Socket as NetSocket } from "node:net";
import createDebug from "debug";
import type { WebSocket, RawData } from "ws";
import { PayloadTooLargeError, TransportError } from "../errors.js";
import { PreEncodedPacket } from "../pre-encoded.js";
import { Transport, type OutItem, type ShutdownMode } from "./transport.js";
import { BINARY, TEXT, frame, headerSize, writeHeader } from "./ws-frames.js";

const debug = createDebug("engine:ws");

const OPEN = 1;

// Private parts of `ws` used by the broadcast fast path; every access is guarded so another
// `ws` version only loses the optimisation (PreEncodedPacket falls back to `ws.send`).
interface WsInternals {
  _sender?: { sendFrame?: (frame: readonly Buffer[], cb?: (err?: Error) => void) => void };
  _socket?: NetSocket;
}

const kTransport = Symbol("switchboard.transport");
type TaggedWebSocket = WebSocket & { [kTransport]?: WebSocketTransport };

function onMessage(this: TaggedWebSocket, data: RawData, isBinary: boolean): void {
  this[kTransport]?.handleMessage(data, isBinary);
}

function onClose(this: TaggedWebSocket): void {
  this[kTransport]?.handleClose();
}

function onError(this: TaggedWebSocket, err: Error): void {
  this[kTransport]?.handleError(err);
}

const COMPRESS = { compress: true } as const;
const NO_COMPRESS = { compress: false } as const;

type FrameSender = { sendFrame(frame: readonly Buffer[], cb?: (err?: Error) => void): void };

/** Binary messages above this size are written as header + payload (not copied into the batch). */
const COPY_LIMIT = 16 * 1024;
/** Byte lengths of the string items of the current flush (reused; writes never re-enter). */
const lengths: number[] = [];

/**
 * Writes a flush's packets as WebSocket frames (docs/protocol.md §1.2: text packets as text frames,
 * binary raw): the small ones built into one Buffer, a large binary message as its own header and
 * payload, in order. Pre-encoded packets bring their frame, built once for every recipient.
 */
function writeFrames(sender: FrameSender, raw: NetSocket | undefined, items: readonly OutItem[]): void {
  const first = items[0];
  if (items.length === 1 && first !== undefined) {
    if (first instanceof PreEncodedPacket) sender.sendFrame(first.wsFrame);
    else if (typeof first === "string") sender.sendFrame([textFrame(first)]);
    else sender.sendFrame(first.length > COPY_LIMIT ? [frameHeader(BINARY, first.length), first] : [frame(BINARY, first)]);
    return;
  }
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (typeof item === "string") {
      const n = Buffer.byteLength(item, "utf8");
      lengths[i] = n;
      size += headerSize(n) + n;
    } else if (item instanceof PreEncodedPacket) {
      const n = item.wsFrame[0]!.length;
      if (n <= COPY_LIMIT) size += n;
    } else if (item.length <= COPY_LIMIT) {
      size += headerSize(item.length) + item.length;
    }
  }
  const batch = Buffer.allocUnsafe(size);
  raw?.cork();
  try {
    let start = 0;
    let pos = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (typeof item === "string") {
        const n = lengths[i]!;
        pos = writeHeader(batch, pos, TEXT, n);
        pos += batch.write(item, pos, n, "utf8");
      } else if (item instanceof PreEncodedPacket) {
        const frame = item.wsFrame;
        if (frame[0]!.length <= COPY_LIMIT) {
          pos += frame[0]!.copy(batch, pos);
        } else {
          // Large and shared by every recipient: written as is, never copied per socket.
          if (pos > start) sender.sendFrame([batch.subarray(start, pos)]);
          start = pos;
          sender.sendFrame(frame);
        }
      } else if (item.length <= COPY_LIMIT) {
        pos = writeHeader(batch, pos, BINARY, item.length);
        pos += item.copy(batch, pos);
      } else {
        if (pos > start) sender.sendFrame([batch.subarray(start, pos)]);
        start = pos;
        sender.sendFrame([frameHeader(BINARY, item.length), item]);
      }
    }
    if (pos > start) sender.sendFrame([batch.subarray(start, pos)]);
  } finally {
    raw?.uncork();
  }
}

function textFrame(text: string): Buffer {
  const n = Buffer.byteLength(text, "utf8");
  const target = Buffer.allocUnsafe(headerSize(n) + n);
  target.write(text, writeHeader(target, 0, TEXT, n), n, "utf8");
  return target;
}

function frameHeader(opcode: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(headerSize(length));
  writeHeader(header, 0, opcode, length);
  return header;
}

/** WebSocketTransport#bits: permessage-deflate was negotiated, so per-packet compression flags matter. */
const DEFLATE = 1;
/** WebSocketTransport#bits: closed or shut down. */
const SHUT = 2;

/** WebSocket transport framed by `ws` (docs/protocol.md §1.2: text packets as text frames, binary raw). */
export class WebSocketTransport extends Transport {
  readonly #ws: WebSocket;
  /** DEFLATE | SHUT (one field for both: one per session). */
  #bits: number;

  /** @internal */
  constructor(ws: WebSocket) {
    super();
    this.#ws = ws;
    this.#bits = ws.extensions.includes("permessage-deflate") ? DEFLATE : 0;
    // Shared module-level listeners find their transport through the ws object: no closures per session.
    (ws as TaggedWebSocket)[kTransport] = this;
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.on("error", onError);
  }

  get name(): "websocket" {
    return "websocket";
  }

  /** @internal */
  get ready(): boolean {
    return (this.#bits & SHUT) === 0 && this.#ws.readyState === OPEN;
  }

  /**
   * Also false while an earlier write is still buffered (engine.io: until `ws`'s send callback). Read
   * from `bufferedAmount` (socket buffer + frames waiting for permessage-deflate), so writes need no callback.
   */
  override get writable(): boolean {
    return super.writable && this.#ws.bufferedAmount === 0;
  }

  /** @internal */
  override get netSocket(): NetSocket | undefined {
    return (this.#ws as unknown as WsInternals)._socket;
  }

  /** @internal */
  handleMessage(data: RawData, isBinary: boolean): void {
    const owner = this.owner;
    if (owner === null) return;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) owner.onBinary(this, buf);
    else owner.onText(this, buf.toString("utf8"));
  }

  /** @internal */
  handleClose(): void {
    const owner = this.owner;
    this.owner = null;
    this.#bits |= SHUT;
    owner?.onTransportClose(this);
  }

  /** @internal `ws` reports oversize messages (1009), bad frames and socket errors here, then closes. */
  handleError(err: Error): void {
    debug("websocket error: %s", err.message);
    const owner = this.owner;
    this.owner = null;
    const tooLarge = (err as Error & { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
    owner?.onTransportError(
      this,
      tooLarge ? new PayloadTooLargeError(err.message, { cause: err }) : new TransportError(err.message, { cause: err }),
    );
  }

  /** @internal Sends one text packet outside the session's queue (the `3probe` reply). */
  sendText(text: string): void {
    if (this.ready) this.#ws.send(text);
  }

  send(items: readonly OutItem[], compress: readonly boolean[] | null): boolean {
    const ws = this.#ws;
    if (!this.ready) return true;
    const internals = ws as unknown as WsInternals;
    const sender = internals._sender;
    // Without permessage-deflate the frames are built here: the flush leaves in one write.
    const deflate = (this.#bits & DEFLATE) !== 0;
    if (!deflate && sender?.sendFrame !== undefined) {
      writeFrames(sender as FrameSender, internals._socket, items);
      return true;
    }
    // Several packets in one flush leave in one write (one syscall) instead of one each.
    const raw = items.length > 1 ? internals._socket : undefined;
    raw?.cork();
    try {
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const flag = deflate ? (compress === null || compress[i] !== false ? COMPRESS : NO_COMPRESS) : undefined;
        if (item instanceof PreEncodedPacket) ws.send(item.wsData, flag ?? NO_COMPRESS);
        else if (flag === undefined) ws.send(item);
        else ws.send(item, flag);
      }
    } finally {
      raw?.uncork();
    }
    return true;
  }

  shutdown(mode: ShutdownMode): void {
    if ((this.#bits & SHUT) !== 0) {
      this.owner = null;
      return;
    }
    this.#bits |= SHUT;
    this.owner = null;
    if (mode === "abort") this.#ws.terminate();
    else this.#ws.close();
  }
}
