// The outgoing side of a session: packets queued in wire form, their compression flags and send
// callbacks, and the flush that hands them to the transport once per tick (docs/protocol.md §1.3:
// one polling response carries everything queued; a WebSocket gets its frames in one write).
// Socket extends this class rather than holding a queue object: tens of thousands of idle sessions
// each save an object, and an idle session holds no array at all.
import {
  DATA_OFFSET,
  EncodedPackets,
  PacketTypeNames,
  scanPacketType,
  type FinalPacket,
} from "@switchboard/engine-parser/internal";
import { packetOutChannel, publishPacketsOut } from "./diagnostics.js";
import {
  MAX_CONFLATION_KEYS,
  itemBytes,
  type FlowCounters,
  type ResolvedBackpressure,
} from "./flow-control.js";
import { LazyEventEmitter } from "./lazy-emitter.js";
import { PreEncodedPacket } from "./pre-encoded.js";
import type { Socket } from "./socket.js";
import type { CloseReason, PacketInfo, ReadyState, SocketEvents } from "./socket-events.js";
import type { OutItem, Transport } from "./transports/transport.js";
import type { SendCallback } from "./write-queue.js";

const { close: CLOSE, noop: NOOP } = EncodedPackets;

// Bits of `_bits` owned by the queue; the session uses FIRST_SESSION_BIT and above.
const SCHEDULED = 1;
const FLUSHING = 2;
/** close() waits for the queued packets to be written before it queues the close packet (polling). */
const CLOSE_AFTER_FLUSH = 4;
/** Over WebSocket: the socket's buffer is above the high-water mark; packets wait here (issue #18). */
const HELD = 8;
/** Went over the high-water mark: `onDrain` is due once it falls back under. */
const NEED_DRAIN = 16;
/** Reached maxBufferedBytes with `onOverflow: "disconnect"`: closes at the flush, queues nothing more. */
const SLOW = 32;
/** A `drain` listener waits on the TCP socket. */
const AWAITING_DRAIN = 64;
/** @internal The session is on polling (set and cleared by the session): its queue waits for GETs. */
export const POLLING = 128;
/** @internal The lowest bit of `_bits` free for the session. */
export const FIRST_SESSION_BIT = 256;

/** A queued packet's flow tag: its conflation key, `true` (droppable), or none. */
type Tag = string | true | undefined;

/** The send state of a session that uses compression flags or send callbacks. */
class SendExtras {
  /** Per-packet compression flags beside the items, tracked only when permessage-deflate is enabled. */
  compress: boolean[] | null = null;
  callbacks: SendCallback[] | null = null;
  /** Callbacks of packets written but not yet drained (polling with compression). */
  inflight: SendCallback[] | null = null;
}

/** The session side of Engine.IO packets waiting to be written; see `Socket`. */
// `this` is always a Socket (the only subclass): the cast below only names it for diagnostics.
export abstract class SendQueue extends LazyEventEmitter<SocketEvents> {
  /** Queued packets; null when none (an idle session holds no array). */
  #items: OutItem[] | null = null;
  /** Compression flags and send callbacks, which most sessions never use: created on first use. */
  #send: SendExtras | null = null;
  /** Encoded bytes in `#items` (backpressure). */
  #bytes = 0;
  /** Flow tags beside the items: only recorded over polling or while held (see `_enqueue`). */
  #tags: Tag[] | null = null;
  /** Conflation key → index in `#items`, while tags are recorded. */
  #keys: Map<string, number> | null = null;
  /** @internal Booleans packed into one small integer (the queue's bits and the session's). */
  protected _bits = 0;

  /** `opening`, `open`, `closing` or `closed`. */
  abstract get readyState(): ReadyState;
  /** The transport packets are written to. */
  abstract get transport(): Transport;
  /** @internal Asks the server to call `runScheduledFlush()` at the end of this tick. */
  protected abstract _requestFlush(): void;
  /** @internal Whether compression flags are tracked (permessage-deflate enabled). */
  protected abstract _tracksCompression(): boolean;
  /** @internal The backpressure options, or false when disabled. */
  protected abstract _backpressure(): ResolvedBackpressure | false;
  /** @internal The server's flow counters. */
  protected abstract _flowCounters(): FlowCounters;
  /** @internal The queued bytes fell back under the high-water mark. */
  protected abstract _onFlowDrain(): void;
  /** @internal Ends the session (here: its close packet was written). */
  protected abstract _onClose(
    reason: CloseReason,
    description?: Error,
    finalPacket?: FinalPacket,
  ): void;

  /** Writes queued packets now if the transport is writable (normally done at the end of the tick). */
  flush(): void {
    const bits = this._bits;
    if ((bits & (FLUSHING | SLOW | HELD)) !== 0) {
      if ((bits & SLOW) !== 0) this._onSlowConsumer();
      else if ((bits & FLUSHING) !== 0) this._schedule();
      return;
    }
    const transport = this.transport;
    const items = this.#items;
    if (this.readyState === "closed" || items === null || !transport.ready) return;
    const bp = this._backpressure();
    // Over WebSocket, a buffer above the mark keeps new packets here, where they can be conflated.
    if (
      bp !== false &&
      transport.bufferedAmount >= bp.highWaterMark &&
      this.readyState === "open"
    ) {
      this._bits |= HELD;
      this._markOver();
      this._awaitNetDrain();
      return;
    }
    if (this.listenerCount("flush") > 0)
      this.emit(
        "flush",
        items.map((item) => describe(item)),
      );
    if (packetOutChannel.hasSubscribers)
      publishPacketsOut(this as unknown as Socket, transport, items);
    const extras = this.#send;
    let callbacks: SendCallback[] | null = null;
    let flags: boolean[] | null = null;
    if (extras !== null) {
      callbacks = extras.callbacks;
      flags = extras.compress;
      extras.callbacks = null;
      extras.compress = null;
    }
    const closing = this.readyState === "closing" && items[items.length - 1] === CLOSE;
    // Packets queued during the write (by a callback of the transport) go to new arrays.
    this.#items = null;
    this.#bytes = 0;
    this.#tags = this.#keys = null;
    let sync: boolean;
    this._bits |= FLUSHING;
    try {
      sync = transport.send(items, flags);
    } finally {
      this._bits &= ~FLUSHING;
    }
    // The write may have failed and closed the session (a poll that went away).
    if ((this.readyState as ReadyState) === "closed") return;
    if (callbacks !== null) {
      const ex = (this.#send ??= new SendExtras());
      if (ex.inflight === null) ex.inflight = callbacks;
      else for (const cb of callbacks) ex.inflight.push(cb);
    }
    if (closing) this._onClose("forced close");
    else if (sync) this._drained();
    if ((this._bits & NEED_DRAIN) !== 0) this._checkDrain();
    if ((this._bits & CLOSE_AFTER_FLUSH) !== 0 && this.readyState === "closing") {
      this._bits &= ~CLOSE_AFTER_FLUSH;
      this._pushDeferredClose(); // written by the next GET (this one was just answered)
    }
  }

  /** @internal Runs the flush scheduled by `send()` (called once per tick by the server). */
  runScheduledFlush(): void {
    this._bits &= ~SCHEDULED;
    this.flush();
  }

  /** @internal */ protected _schedule(): void {
    if ((this._bits & SCHEDULED) === 0) {
      this._bits |= SCHEDULED;
      this._requestFlush();
    }
  }

  /** @internal Queues a packet without scheduling a flush. */
  protected _push(item: OutItem, compress = true, tag?: Tag): void {
    this.#bytes += itemBytes(item);
    const items = this.#items;
    if (items !== null) {
      items.push(item);
      this.#send?.compress?.push(compress);
      if (this.#tags !== null || tag !== undefined) this._tag(items.length - 1, tag);
      return;
    }
    this.#items = [item];
    if (this._tracksCompression()) (this.#send ??= new SendExtras()).compress = [compress];
    if (tag !== undefined) this._tag(0, tag);
  }

  /**
   * @internal Queues a packet and flushes it at the end of the tick. `tag` (conflation key or
   * droppable) only matters for packets that can still wait: over polling, or over the mark.
   */
  protected _enqueue(
    item: OutItem,
    compress: boolean,
    callback: SendCallback | undefined,
    tag?: Tag,
  ): void {
    if ((this._bits & SLOW) !== 0) return;
    if (tag !== undefined && (this._bits & (HELD | NEED_DRAIN | POLLING)) !== 0) {
      if (typeof tag === "string" && this._conflate(item, compress, tag)) {
        if (callback !== undefined)
          ((this.#send ??= new SendExtras()).callbacks ??= []).push(callback);
        return;
      }
      this._push(item, compress, tag);
    } else {
      this._push(item, compress);
    }
    if (callback !== undefined) ((this.#send ??= new SendExtras()).callbacks ??= []).push(callback);
    this._schedule();
    const bp = this._backpressure();
    if (bp !== false && this.#bytes > bp.highWaterMark) this._overMark(bp);
  }

  // ---- backpressure (issue #18); the slow paths, for sockets over their mark ----

  /**
   * Bytes queued for this session and not yet handed to the kernel: packets waiting in the session's
   * queue (over polling, those waiting for the next GET) plus, over WebSocket, the socket's buffer.
   * @example if (socket.bufferedAmount > 1e6) console.log("slow client", socket.id);
   */
  get bufferedAmount(): number {
    return this.#bytes + this.transport.bufferedAmount;
  }

  /**
   * Whether `bufferedAmount` is above `backpressure.highWaterMark`. When it is, the session handler's
   * `onDrain` is called once it falls back under (the Socket.IO layer then emits `drain`).
   * @example if (socket.overHighWaterMark()) pause();
   */
  overHighWaterMark(): boolean {
    const bp = this._backpressure();
    if (bp === false || this.bufferedAmount <= bp.highWaterMark) return false;
    this._markOver();
    this._awaitNetDrain();
    return true;
  }

  /** @internal Records `tag` for the item at `index` (the arrays are made on first use). */
  private _tag(index: number, tag: Tag): void {
    let tags = this.#tags;
    if (tags === null) tags = this.#tags = new Array<Tag>(index).fill(undefined);
    tags[index] = tag;
    if (typeof tag === "string") {
      const keys = (this.#keys ??= new Map());
      if (keys.size < MAX_CONFLATION_KEYS) keys.set(tag, index);
    }
  }

  /** @internal Replaces the queued packet with the same key, in place. False when there is none. */
  private _conflate(item: OutItem, compress: boolean, key: string): boolean {
    const index = this.#keys?.get(key);
    const items = this.#items;
    if (index === undefined || items === null || index >= items.length) return false;
    this.#bytes += itemBytes(item) - itemBytes(items[index]!);
    items[index] = item;
    const flags = this.#send?.compress;
    if (flags != null) flags[index] = compress;
    this._flowCounters().conflations++;
    return true;
  }

  /** @internal Over the mark after a push: enforce the cap. */
  private _overMark(bp: ResolvedBackpressure): void {
    this._markOver();
    const excess = this.bufferedAmount - bp.maxBufferedBytes;
    if (excess <= 0) return;
    if (bp.onOverflow === "disconnect") this._bits |= SLOW;
    // Down to halfway between the mark and the cap: one pass over the queue frees room for many packets,
    // so a socket at its cap costs a delivery no more than any other (amortised).
    else this._dropOldest(excess + ((bp.maxBufferedBytes - bp.highWaterMark) >> 1));
  }

  /** @internal Drops droppable packets, oldest first, until `excess` bytes are gone (or none is left). */
  private _dropOldest(excess: number): void {
    const items = this.#items;
    const tags = this.#tags;
    if (items === null || tags === null) return;
    const flags = this.#send?.compress ?? null;
    let kept = 0;
    let dropped = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (excess > 0 && tags[i] !== undefined) {
        const n = itemBytes(item);
        excess -= n;
        this.#bytes -= n;
        dropped++;
        continue;
      }
      items[kept] = item;
      tags[kept] = tags[i];
      if (flags !== null) flags[kept] = flags[i]!;
      kept++;
    }
    items.length = tags.length = kept;
    if (flags !== null) flags.length = kept;
    this._flowCounters().drops += dropped;
    const keys = this.#keys;
    if (keys !== null && dropped > 0) {
      keys.clear();
      for (let i = 0; i < kept; i++) {
        const tag = tags[i];
        if (typeof tag === "string" && keys.size < MAX_CONFLATION_KEYS) keys.set(tag, i);
      }
    }
  }

  /** @internal */
  private _markOver(): void {
    if ((this._bits & NEED_DRAIN) !== 0) return;
    this._bits |= NEED_DRAIN;
    this._flowCounters().overMark.add(this);
  }

  /** @internal Waits for the TCP socket to empty its buffer (WebSocket), then resumes. */
  private _awaitNetDrain(): void {
    if ((this._bits & AWAITING_DRAIN) !== 0 || this.transport.name !== "websocket") return;
    const net = this.transport.netSocket;
    if (net === undefined) return;
    this._bits |= AWAITING_DRAIN;
    const resume = (): void => {
      this._bits &= ~(AWAITING_DRAIN | HELD);
      if (this.readyState === "closed") return;
      this.flush();
      if ((this._bits & NEED_DRAIN) !== 0) this._checkDrain();
    };
    // Frames waiting for permessage-deflate are not in the TCP buffer: poll for them instead.
    if (net.writableNeedDrain) net.once("drain", resume);
    else setTimeout(resume, 10).unref();
  }

  /** @internal Fell back under the mark: `onDrain`; else keep waiting. */
  private _checkDrain(): void {
    const bp = this._backpressure();
    if (bp !== false && this.bufferedAmount > bp.highWaterMark) {
      this._awaitNetDrain();
      return;
    }
    this._bits &= ~NEED_DRAIN;
    const counters = this._flowCounters();
    counters.overMark.delete(this);
    counters.drains++;
    this._onFlowDrain();
  }

  /** @internal `onOverflow: "disconnect"` at the cap. */
  private _onSlowConsumer(): void {
    if (this.readyState === "closed") return;
    this._flowCounters().slowConsumers++;
    this._onClose("slow consumer");
  }

  /** @internal Whether packets wait to be written (they make the transport not `writable`). */
  hasPendingWrites(): boolean {
    return this.#items !== null;
  }

  /** @internal Queues the close packet once the packets queued now are written (§1.7, polling). */
  protected _closeAfterFlush(): void {
    this._bits |= CLOSE_AFTER_FLUSH;
  }

  /**
   * @internal Queues the close packet for a GET that has yet to come, behind a noop (`6␞1`), as on the
   * reference server: there a close that waits for its GET answers it with an empty send (noop) and
   * appends the close to it (docs/protocol.md §1.7).
   */
  protected _pushDeferredClose(): void {
    this._push(NOOP);
    this._push(CLOSE);
  }

  /** @internal Takes back a close packet meant for polling (the session upgraded while closing). */
  protected _retractClose(): void {
    this._bits &= ~CLOSE_AFTER_FLUSH;
    const items = this.#items;
    if (items === null || items[items.length - 1] !== CLOSE) return;
    items.pop();
    this.#send?.compress?.pop();
    this.#tags?.pop();
    // The noop that went before it (`_pushDeferredClose`).
    if (items[items.length - 1] === NOOP) {
      items.pop();
      this.#send?.compress?.pop();
      this.#tags?.pop();
    }
    if (items.length === 0) {
      this.#items = null;
      this.#bytes = 0;
      if (this.#send !== null) this.#send.compress = null;
    }
  }

  /** @internal Drops everything queued or in flight, callbacks included (the session closed). */
  protected _discardQueue(): void {
    this.#items = null;
    this.#bytes = 0;
    this.#tags = this.#keys = null;
    if ((this._bits & NEED_DRAIN) !== 0) this._flowCounters().overMark.delete(this);
    this._bits &= ~(NEED_DRAIN | HELD);
    const extras = this.#send;
    if (extras !== null) extras.compress = extras.callbacks = extras.inflight = null;
  }

  /** @internal Everything written so far has left: run the send callbacks, emit `drain`. */
  protected _drained(): void {
    const extras = this.#send;
    const callbacks = extras === null ? null : extras.inflight;
    if (extras !== null) extras.inflight = null;
    if (callbacks !== null) for (const cb of callbacks) cb();
    if (this.listenerCount("drain") > 0) this.emit("drain");
  }
}

/**
 * @internal A queued packet as reported by the `flush` event, and by `packetCreate` with its options
 * (`compress` given).
 */
export function describe(item: OutItem, compress?: boolean): PacketInfo {
  let info: PacketInfo;
  if (typeof item !== "string") {
    info = { type: "message", data: item instanceof PreEncodedPacket ? item.data : item };
  } else {
    const type = PacketTypeNames[scanPacketType(item)] ?? "message";
    info = item.length > DATA_OFFSET ? { type, data: item.slice(DATA_OFFSET) } : { type };
  }
  if (compress !== undefined) {
    info.options =
      item instanceof PreEncodedPacket && !item.binary
        ? { compress, wsPreEncodedFrame: item.wsFrame }
        : { compress };
  }
  return info;
}
