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
} from "@switchboard/engine-parser";
import { packetOutChannel, publishPacketsOut } from "./diagnostics.js";
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
/** @internal The lowest bit of `_bits` free for the session. */
export const FIRST_SESSION_BIT = 8;

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
  /** @internal Ends the session (here: its close packet was written). */
  protected abstract _onClose(reason: CloseReason, description?: Error, finalPacket?: FinalPacket): void;

  /** Writes queued packets now if the transport is writable (normally done at the end of the tick). */
  flush(): void {
    if ((this._bits & FLUSHING) !== 0) {
      this._schedule();
      return;
    }
    const transport = this.transport;
    const items = this.#items;
    if (this.readyState === "closed" || items === null || !transport.ready) return;
    if (this.listenerCount("flush") > 0) this.emit("flush", items.map((item) => describe(item)));
    if (packetOutChannel.hasSubscribers) publishPacketsOut(this as unknown as Socket, transport, items);
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
  protected _push(item: OutItem, compress = true): void {
    const items = this.#items;
    if (items !== null) {
      items.push(item);
      this.#send?.compress?.push(compress);
      return;
    }
    this.#items = [item];
    if (this._tracksCompression()) (this.#send ??= new SendExtras()).compress = [compress];
  }

  /** @internal Queues a packet and flushes it at the end of the tick. */
  protected _enqueue(item: OutItem, compress: boolean, callback: SendCallback | undefined): void {
    this._push(item, compress);
    if (callback !== undefined) ((this.#send ??= new SendExtras()).callbacks ??= []).push(callback);
    this._schedule();
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
    // The noop that went before it (`_pushDeferredClose`).
    if (items[items.length - 1] === NOOP) {
      items.pop();
      this.#send?.compress?.pop();
    }
    if (items.length === 0) {
      this.#items = null;
      if (this.#send !== null) this.#send.compress = null;
    }
  }

  /** @internal Drops everything queued or in flight, callbacks included (the session closed). */
  protected _discardQueue(): void {
    this.#items = null;
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
      item instanceof PreEncodedPacket && !item.binary ? { compress, wsPreEncodedFrame: item.wsFrame } : { compress };
  }
  return info;
}
