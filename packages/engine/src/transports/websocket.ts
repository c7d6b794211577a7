import { EventEmitter } from "node:events";
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
  _sender?: {
    sendFrame?: (frame: readonly Buffer[], cb?: (err?: Error) => void) => void;
    _extensions?: object;
  };
  _socket?: NetSocket;
  _receiver?: { _mask?: Buffer | undefined; _extensions?: object; _buffers?: unknown } | null;
  _extensions?: object;
}

/** Shared by every socket without extensions (server side, `ws` only reads it). */
const NO_EXTENSIONS = Object.freeze({});

/**
 * Idle footprint: `ws` gives each socket an `{}` of negotiated extensions, shared by its Receiver and
 * Sender (~50 B). Without permessage-deflate it stays empty and is only read, so one frozen object
 * serves all (guarded: another `ws` layout keeps its own).
 */
function shareEmptyExtensions(ws: WsInternals): void {
  const ext = ws._extensions;
  if (ext === undefined || ext === NO_EXTENSIONS) return;
  for (const _ in ext) return;
  const { _receiver: receiver, _sender: sender } = ws;
  if (receiver?._extensions !== ext || sender?._extensions !== ext) return;
  ws._extensions = receiver._extensions = sender._extensions = NO_EXTENSIONS;
}

const kTransport = Symbol("switchboard.transport");
type TaggedWebSocket = WebSocket & { [kTransport]?: WebSocketTransport };

/**
 * Idle footprint: `ws`'s Receiver keeps the last frame's 4-byte mask as a view of the read chunk (a
 * Buffer plus its ArrayBuffer, ~180 B per connection) until the next frame overwrites it. The payload
 * was unmasked before the message event, and the next frame reads a new mask first, so it is dropped
 * (guarded: another `ws` version merely keeps it).
 */
function dropMask(ws: WsInternals): void {
  const receiver = ws._receiver;
  if (receiver?._mask !== undefined) receiver._mask = undefined;
}

function onMessage(this: TaggedWebSocket, data: RawData, isBinary: boolean): void {
  dropMask(this as unknown as WsInternals);
  this[kTransport]?.handleMessage(data, isBinary);
}

function onClose(this: TaggedWebSocket): void {
  this[kTransport]?.handleClose();
}

function onError(this: TaggedWebSocket, err: Error): void {
  this[kTransport]?.handleError(err);
}

const baseEmit = EventEmitter.prototype.emit;

/** The part of EventEmitter's layout `routeEmit` reads (Node's, stable since v0.x). */
interface EmitterInternals {
  _events?: Record<string | symbol, unknown>;
}

/**
 * Installed as the `emit` of a `ws` WebSocket instead of three listeners, so that the socket needs no
 * listener table: EventEmitter gives every instance an empty null-prototype dictionary (~180 B per
 * connection, idle or not) and accepts `_events === undefined` (it builds one on the first `on`). The
 * three events go to the transport first; any other event, or a listener someone added, still goes
 * through EventEmitter as before.
 *
 * Runs once per received message, so it stays cheap: fixed parameters (`ws` passes at most two; a rest
 * parameter would allocate an array per message) and one property read for "nobody else listens"
 * instead of `listenerCount()`. Other events keep their exact arguments through `arguments`.
 */
function routeEmit(
  this: TaggedWebSocket,
  event: string | symbol,
  a?: unknown,
  b?: unknown,
): boolean {
  const transport = this[kTransport];
  if (transport !== undefined) {
    if (event === "message") {
      dropMask(this as unknown as WsInternals);
      transport.handleMessage(a as RawData, b as boolean);
    } else if (event === "close") {
      transport.handleClose();
    } else if (event === "error") {
      transport.handleError(a as Error);
    } else {
      // eslint-disable-next-line prefer-rest-params -- forwards any arity without an array per call
      return baseEmit.apply(this, arguments as unknown as Parameters<typeof baseEmit>);
    }
    const events = (this as unknown as EmitterInternals)._events;
    if (events === undefined || events[event] === undefined) return true;
  }
  // eslint-disable-next-line prefer-rest-params -- as above
  return baseEmit.apply(this, arguments as unknown as Parameters<typeof baseEmit>);
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
function writeFrames(
  sender: FrameSender,
  raw: NetSocket | undefined,
  items: readonly OutItem[],
): void {
  const first = items[0];
  if (items.length === 1 && first !== undefined) {
    if (first instanceof PreEncodedPacket) sender.sendFrame(first.wsFrame);
    else if (typeof first === "string") writeText(sender, raw, first);
    else
      sender.sendFrame(
        first.length > COPY_LIMIT
          ? [frameHeader(BINARY, first.length), first]
          : [frame(BINARY, first)],
      );
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

/**
 * One text packet alone in its flush (an ack, an echo: the common case). When it is all ASCII (its UTF-8
 * length equals its UTF-16 length), the frame is written as a latin1 string: the socket copies it
 * straight into its write, so no Buffer is allocated and filled here per message (~0.3 µs of a round
 * trip's 15–20). Anything else goes out as a Buffer frame.
 */
function writeText(sender: FrameSender, raw: NetSocket | undefined, text: string): void {
  const n = Buffer.byteLength(text, "utf8");
  if (n === text.length && raw !== undefined) raw.write(textHeader(n) + text, "latin1");
  else sender.sendFrame([textFrame(text, n)]);
}

/** Two-byte headers of final unmasked text frames of 0–125 bytes, as latin1 strings. */
const SHORT_TEXT_HEADERS = Array.from({ length: 126 }, (_, n) => String.fromCharCode(0x81, n));

/**
 * The header of a final unmasked text frame of `n` bytes (RFC 6455 §5.2: FIN + opcode 1, then a 7-bit
 * length, or 126 + 16-bit, or 127 + 64-bit, big-endian), as a latin1 string; the same bytes `ws`'s
 * `Sender.frame` writes (checked by the transport's tests).
 * @internal
 * @example Buffer.from(textHeader(5), "latin1"); // <81 05>
 */
export function textHeader(n: number): string {
  if (n < 126) return SHORT_TEXT_HEADERS[n]!;
  if (n < 65536) return String.fromCharCode(0x81, 126, n >>> 8, n & 0xff);
  const high = Math.floor(n / 0x100000000);
  const low = n >>> 0;
  return String.fromCharCode(
    0x81,
    127,
    high >>> 24,
    (high >>> 16) & 0xff,
    (high >>> 8) & 0xff,
    high & 0xff,
    low >>> 24,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
  );
}

function textFrame(text: string, n: number): Buffer {
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
    if (this.#bits === 0) shareEmptyExtensions(ws as unknown as WsInternals);
    // Shared module-level listeners find their transport through the ws object: no closures per session.
    (ws as TaggedWebSocket)[kTransport] = this;
    const ee = ws as unknown as { _events?: object; _eventsCount?: number };
    if (ws.emit === baseEmit && ee._eventsCount === 0) {
      ws.emit = routeEmit;
      ee._events = undefined;
    } else {
      // Another wsEngine with its own emit: plain listeners.
      ws.on("message", onMessage);
      ws.on("close", onClose);
      ws.on("error", onError);
    }
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

  /** @internal `ws`'s count: the TCP socket's write buffer plus frames waiting for permessage-deflate. */
  override get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** @internal */
  override get netSocket(): NetSocket | undefined {
    return (this.#ws as unknown as WsInternals)._socket;
  }

  /** @internal */
  handleMessage(data: RawData, isBinary: boolean): void {
    const owner = this.owner;
    if (owner === null) return;
    const buf = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
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
    const tooLarge =
      (err as Error & { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
    owner?.onTransportError(
      this,
      tooLarge
        ? new PayloadTooLargeError(err.message, { cause: err })
        : new TransportError(err.message, { cause: err }),
    );
  }

  /**
   * @internal After a pong, the connection sits idle for a ping interval: `ws`'s Receiver keeps the
   * grown backing store of its chunk list (~150 B) though it is empty. Truncating an empty array
   * frees it; the next frame allocates a fresh one (once per heartbeat, not per message).
   */
  override compact(): void {
    const buffers = (this.#ws as unknown as WsInternals)._receiver?._buffers;
    if (Array.isArray(buffers) && buffers.length === 0) buffers.length = 0;
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
        const flag = deflate
          ? compress === null || compress[i] !== false
            ? COMPRESS
            : NO_COMPRESS
          : undefined;
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
