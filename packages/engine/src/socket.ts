import createDebug from "debug";
import { PacketTypeNames } from "@switchboard/engine-parser";
import { DeadlineNode, type DeadlineLink, type DeadlineQueue } from "./deadline-queue.js";
import { ParseError } from "./errors.js";
import { LazyEventEmitter } from "./lazy-emitter.js";
import { PreEncodedPacket } from "./pre-encoded.js";
import { handshakeRequest, joinHeaderShape, packHeaderShape, type EngineRequest } from "./request.js";
import type { Server } from "./server.js";
import type { SessionContext } from "./session-context.js";
import type { OutItem, Transport } from "./transports/transport.js";
import type { WebSocketTransport } from "./transports/websocket.js";
import type {
  CloseReason,
  PacketInfo,
  ReadyState,
  SendData,
  SendOptions,
  SessionHandler,
  SocketEvents,
} from "./socket-events.js";
import type { SendCallback } from "./write-queue.js";

const debug = createDebug("engine:socket");

const OPEN = "0";
const CLOSE = "1";
const PING = "2";
const NOOP = "6";
const CODE_0 = 48;
const CODE_B = 98;

// Bits of Socket#bits: booleans packed into one small integer field.
const SCHEDULED = 1;
const FLUSHING = 2;
const UPGRADED = 4;
/** close() waits for the queued packets to be written before it queues the `1` (polling). */
const CLOSE_AFTER_FLUSH = 8;


/** The send state of a session that uses compression flags or send callbacks. */
class SendExtras {
  /** Per-packet compression flags beside `#items`, tracked only when permessage-deflate is enabled. */
  compress: boolean[] | null = null;
  callbacks: SendCallback[] | null = null;
  /** Callbacks of packets written but not yet drained (polling with compression). */
  inflight: SendCallback[] | null = null;
}

/** An upgrade in progress (docs/protocol.md §1.6): allocated per attempt, not per session. */
class UpgradeState {
  probed = false;
  readonly timeout: DeadlineNode<Socket>;
  check: DeadlineNode<Socket> | null = null;
  constructor(
    readonly probe: WebSocketTransport,
    owner: Socket,
  ) {
    this.timeout = new DeadlineNode<Socket>(owner);
  }
}

/**
 * One Engine.IO session (a client connection), over polling or WebSocket.
 * @example
 * server.on("connection", (socket) => {
 *   socket.on("message", (data) => socket.send(data));
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 */
// Memory per session matters (10,000s of idle sessions per process): the fields below are what an
// open session needs; upgrade state, listener tables and the request stand-in are allocated on use,
// and the session is its own link in the shared heartbeat queues.
export class Socket extends LazyEventEmitter<SocketEvents> {
  /** Session id (the `sid` query parameter). Keep it secret: it authenticates polling requests. */
  readonly id: string;
  /** Client address of the handshake connection. */
  readonly remoteAddress: string;
  #readyState: ReadyState = "opening";
  #transport: Transport;
  readonly #ctx: SessionContext;
  /**
   * The handshake request, or its stand-in once built (see `request`); until then, when the
   * request was not kept, its header values (`packHeaderShape`).
   */
  #req: EngineRequest | string;
  /** Until the stand-in is built: the URL and header names, a string shared by like sessions. */
  #shape: string | undefined;
  /** Queued packets; null when none (an idle session holds no array). */
  #items: OutItem[] | null = null;
  /** Compression flags and send callbacks, which most sessions never use: created on first use. */
  #send: SendExtras | null = null;
  #bits = 0;
  #upgrade: UpgradeState | null = null;
  #handler: SessionHandler | null = null;
  // Link of the heartbeat clock: the session sits in the ping queue, the pong queue or (while
  // closing) the close queue.
  /** @internal */ _dlPrev: DeadlineLink<Socket> | null = null;
  /** @internal */ _dlNext: DeadlineLink<Socket> | null = null;
  /** @internal */ _dlQueue: DeadlineQueue<Socket> | null = null;
  /** @internal */ _dlDeadline = 0;

  /**
   * @internal With `keepRequest` false the IncomingMessage is dropped after the handshake (it is
   * about 1 KB per session) and `request` is rebuilt on demand from its headers and URL.
   */
  constructor(id: string, ctx: SessionContext, transport: Transport, req: EngineRequest, keepRequest = true) {
    super();
    this.id = id;
    this.remoteAddress = req.socket?.remoteAddress ?? "";
    this.#ctx = ctx;
    this.#transport = transport;
    if (keepRequest) {
      this.#req = req;
    } else {
      const { shape, values } = packHeaderShape(req.url ?? "/", req.headers);
      this.#req = values;
      this.#shape = ctx.shareShape(shape);
    }
    transport.owner = this;
  }

  /** @internal */
  get _dlValue(): Socket {
    return this;
  }

  /** The engine server. */
  get server(): Server {
    return this.#ctx.server;
  }

  /** Engine.IO protocol revision. */
  get protocol(): 4 {
    return 4;
  }

  /**
   * The handshake request (headers, `url`, `_query`, remote `socket`). A WebSocket session of a
   * server without `use()` middlewares or `allowRequest` does not keep the IncomingMessage: this is
   * then a stand-in with `headers`, `url`, `method`, `httpVersion`, `_query` and `socket`/`connection`,
   * built on first access and kept (properties set on it stay).
   */
  get request(): EngineRequest {
    const req = this.#req;
    if (typeof req !== "string") return req;
    const { url, packed } = joinHeaderShape(this.#shape ?? "/", req);
    this.#shape = undefined;
    return (this.#req = handshakeRequest(packed, url, this.#transport.netSocket));
  }

  /**
   * Routes this session's messages and its close to `handler`, ahead of the `message`/`data` and
   * `close` listeners. The Socket.IO layer uses it instead of listeners: no closures and no listener
   * table per connection. `null` removes it.
   * @example socket.setHandler({ onMessage: (data) => console.log(data), onClose: (reason) => console.log(reason) });
   */
  setHandler(handler: SessionHandler | null): void {
    this.#handler = handler;
  }

  /** `opening`, `open`, `closing` or `closed`. */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  /** The current transport (`transport.name` is `polling` or `websocket`). */
  get transport(): Transport {
    return this.#transport;
  }

  /** Whether the session moved from polling to WebSocket. */
  get upgraded(): boolean {
    return (this.#bits & UPGRADED) !== 0;
  }

  /** Whether a WebSocket upgrade is in progress. */
  get upgrading(): boolean {
    return this.#upgrade !== null;
  }

  /** @internal Sends the open packet (§1.4) and starts the heartbeat (§1.5). */
  open(): void {
    const opts = this.#ctx.opts;
    this.#readyState = "open";
    const handshake = JSON.stringify({
      sid: this.id,
      upgrades: this.#ctx.upgradesFor(this.#transport.name),
      pingInterval: opts.pingInterval,
      pingTimeout: opts.pingTimeout,
      maxPayload: opts.maxHttpBufferSize,
    });
    this._enqueue(OPEN + handshake, true, undefined);
    if (opts.initialPacket !== undefined) this.send(opts.initialPacket);
    this.#ctx.pingQueue.push(this);
    this.emit("open");
  }

  /**
   * Sends a message: a string, binary data, or a `PreEncodedPacket` shared by many sockets.
   * Packets written in the same tick leave together. Ignored once the session is closing.
   * @example
   * socket.send("hello");
   * socket.send(Buffer.from([1, 2, 3]), { compress: false }, () => console.log("written"));
   */
  send(data: SendData, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    if (typeof options === "function") {
      callback = options;
      options = undefined;
    }
    if (this.#readyState === "closing" || this.#readyState === "closed") return this;
    let item: OutItem;
    if (typeof data === "string") item = "4" + data;
    else if (data instanceof PreEncodedPacket || Buffer.isBuffer(data)) item = data;
    else if (data instanceof ArrayBuffer) item = Buffer.from(data);
    else if (ArrayBuffer.isView(data)) item = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError("send() takes a string, binary data or a PreEncodedPacket");
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", describe(item));
    this._enqueue(item, options?.compress !== false, callback);
    return this;
  }

  /**
   * Alias of `send()`.
   * @example socket.write("hello");
   */
  write(data: SendData, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    return this.send(data, options, callback);
  }

  /**
   * Closes the session with reason `forced close`. Queued packets are delivered first; over
   * polling the `1` packet waits for the client's next GET. `discard` skips that wait.
   * @example socket.close();
   */
  close(discard = false): this {
    if (this.#readyState === "closing" && discard) this._onClose("forced close");
    if (this.#readyState !== "open" && this.#readyState !== "opening") return this;
    this.#readyState = "closing";
    this._dlQueue?.remove(this);
    // During an upgrade the `1` goes out on polling as usual; if the client completes the upgrade
    // first (`5` on the probe), #completeUpgrade delivers the queue and closes on the WebSocket.
    if (this.#upgrade !== null && discard) this._cancelUpgrade();
    if (!discard && this.#transport.name === "polling" && this.#items !== null) {
      // §1.7: the `1` travels in a response of its own, after the packets already queued. A client
      // that handles a payload's packets a tick late (the official one does) would otherwise see
      // the close first and lose them. The close queue bounds the wait for the GETs.
      this.#bits |= CLOSE_AFTER_FLUSH;
      this.#ctx.closeQueue.push(this);
      this.flush();
      return this;
    }
    this._closeTransport(discard);
    return this;
  }

  /** @internal */ private _closeTransport(discard: boolean): void {
    const transport = this.#transport;
    if (transport.name === "websocket") {
      this.flush();
      this._onClose("forced close");
      return;
    }
    this._push(CLOSE);
    if (transport.writable) this.flush();
    else if (discard) this._onClose("forced close");
    else this.#ctx.closeQueue.push(this);
  }

  /** Writes queued packets now if the transport is writable (normally done at the end of the tick). */
  flush(): void {
    if ((this.#bits & FLUSHING) !== 0) {
      this._schedule();
      return;
    }
    const transport = this.#transport;
    const items = this.#items;
    if (this.#readyState === "closed" || items === null || !transport.writable) return;
    if (this.listenerCount("flush") > 0) this.emit("flush", items.map(describe));
    const extras = this.#send;
    let callbacks: SendCallback[] | null = null;
    let flags: boolean[] | null = null;
    if (extras !== null) {
      callbacks = extras.callbacks;
      flags = extras.compress;
      extras.callbacks = null;
      extras.compress = null;
    }
    const closing = this.#readyState === "closing" && items[items.length - 1] === CLOSE;
    // Packets queued during the write (by a callback of the transport) go to new arrays.
    this.#items = null;
    let sync: boolean;
    this.#bits |= FLUSHING;
    try {
      sync = transport.send(items, flags);
    } finally {
      this.#bits &= ~FLUSHING;
    }
    // The write may have failed and closed the session (a poll that went away).
    if (this.readyState === "closed") return;
    if (callbacks !== null) {
      const ex = (this.#send ??= new SendExtras());
      if (ex.inflight === null) ex.inflight = callbacks;
      else for (const cb of callbacks) ex.inflight.push(cb);
    }
    if (closing) this._onClose("forced close");
    else if (sync) this._drained();
    if ((this.#bits & CLOSE_AFTER_FLUSH) !== 0 && this.#readyState === "closing") {
      this.#bits &= ~CLOSE_AFTER_FLUSH;
      this._push(CLOSE); // written by the next GET (this one was just answered)
    }
  }

  /** @internal Runs the flush scheduled by `send()` (called once per tick by the server). */
  runScheduledFlush(): void {
    this.#bits &= ~SCHEDULED;
    this.flush();
  }

  /** @internal */ private _schedule(): void {
    if ((this.#bits & SCHEDULED) === 0) {
      this.#bits |= SCHEDULED;
      this.#ctx.scheduleFlush(this);
    }
  }

  /** @internal */ private _push(item: OutItem, compress = true): void {
    const items = this.#items;
    if (items !== null) {
      items.push(item);
      this.#send?.compress?.push(compress);
      return;
    }
    this.#items = [item];
    if (this.#ctx.opts.perMessageDeflate !== false) (this.#send ??= new SendExtras()).compress = [compress];
  }

  /** @internal */ private _enqueue(item: OutItem, compress: boolean, callback: SendCallback | undefined): void {
    this._push(item, compress);
    if (callback !== undefined) ((this.#send ??= new SendExtras()).callbacks ??= []).push(callback);
    this._schedule();
  }

  /** @internal */ private _clearQueue(): void {
    this.#items = null;
    const extras = this.#send;
    if (extras !== null) {
      extras.compress = null;
      extras.callbacks = null;
    }
  }

  /** @internal */ private _drained(): void {
    const extras = this.#send;
    const callbacks = extras === null ? null : extras.inflight;
    if (extras !== null) extras.inflight = null;
    if (callbacks !== null) for (const cb of callbacks) cb();
    if (this.listenerCount("drain") > 0) this.emit("drain");
  }

  // ---- transport events (TransportOwner); user exceptions never escape into the transport ----

  /** @internal */
  onText(transport: Transport, text: string): void {
    try {
      if (this.#upgrade !== null && transport === this.#upgrade.probe) this._onProbeText(text);
      else this._onPacket(text);
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onBinary(transport: Transport, data: Buffer): void {
    try {
      if (this.#upgrade !== null && transport === this.#upgrade.probe) this._cancelUpgrade();
      else if (this.#readyState === "open") {
        if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
        this._onMessage(data);
      }
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onTransportError(transport: Transport, err: Error): void {
    try {
      if (this.#upgrade !== null && transport === this.#upgrade.probe) this._cancelUpgrade();
      else if (transport === this.#transport) {
        // As on the reference server the failure is reported by `close`, not by an `error` event.
        debug("transport error on %s: %s", this.id, err.message);
        this._onClose("transport error", err);
      }
    } catch (e) {
      this.#ctx.reportError(e, this);
    }
  }

  /** @internal */
  onTransportClose(transport: Transport): void {
    try {
      if (this.#upgrade !== null && transport === this.#upgrade.probe) this._cancelUpgrade();
      else if (transport === this.#transport) this._onClose("transport close");
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onWritable(transport: Transport): void {
    try {
      if (transport === this.#transport) this.flush();
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onDrain(transport: Transport): void {
    try {
      if (transport === this.#transport && this.#readyState !== "closed") this._drained();
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */ private _onPacket(text: string): void {
    if (this.#readyState !== "open") return;
    const length = text.length;
    if (length === 0) return this._protocolError("empty packet");
    const code = text.charCodeAt(0);
    if (code === CODE_B) {
      // Binary message in text form (§1.2); base64 decoding of peer input never throws.
      const data = Buffer.from(text.slice(1), "base64");
      if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
      this._onMessage(data);
      return;
    }
    const type = code - CODE_0;
    const name = PacketTypeNames[type];
    if (name === undefined) return this._protocolError("unknown packet type");
    if (this.listenerCount("packet") > 0) this.emit("packet", length > 1 ? { type: name, data: text.slice(1) } : { type: name });
    switch (type) {
      case 4:
        this._onMessage(length > 1 ? text.slice(1) : "");
        return;
      case 3:
        this._onPong();
        return;
      case 1:
        // §1.7: a client close over polling answers the pending GET with a noop.
        this._onClose("transport close", undefined, NOOP);
        return;
      case 6:
        return;
      default:
        // open, upgrade, and (in v4) a client ping outside the probe are protocol errors (§1.5).
        this._protocolError(`unexpected ${name} packet`);
    }
  }

  /** @internal */ private _onMessage(data: string | Buffer): void {
    this.#handler?.onMessage(data);
    this.emit("data", data);
    this.emit("message", data);
  }

  /** @internal */ private _onPong(): void {
    if (this._dlQueue !== this.#ctx.pongQueue) return;
    // §1.5: the next ping is pingInterval after the pong.
    this.#ctx.pingQueue.push(this);
    this.emit("heartbeat");
  }

  /** @internal */ private _protocolError(message: string): void {
    debug("parse error on %s: %s", this.id, message);
    this._onClose("parse error", new ParseError(message));
  }

  // ---- shared clocks (called by the server's deadline queues) ----

  /** @internal pingInterval elapsed: send `2` and wait pingTimeout for `3`. */
  onPingDue(): void {
    if (this.#readyState !== "open") return;
    this._push(PING);
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", { type: "ping" });
    this._schedule();
    this.#ctx.pongQueue.push(this);
  }

  /** @internal */
  onPingTimeout(): void {
    this._onClose("ping timeout");
  }

  /** @internal The `1` packet of a server close waited too long for a GET. */
  onCloseTimeout(): void {
    this._onClose("forced close");
  }

  // ---- upgrade (§1.6) ----

  /** @internal Takes a new WebSocket as upgrade probe. False when the session cannot upgrade. */
  beginUpgrade(probe: WebSocketTransport): boolean {
    if (
      this.#readyState !== "open" ||
      this.#upgrade !== null ||
      (this.#bits & UPGRADED) !== 0 ||
      this.#transport.name !== "polling"
    ) {
      return false;
    }
    this.#upgrade = new UpgradeState(probe, this);
    probe.owner = this;
    this.#ctx.upgradeQueue.push(this.#upgrade.timeout);
    return true;
  }

  /** @internal upgradeTimeout elapsed without `5`. */
  onUpgradeTimeout(): void {
    debug("upgrade timeout on %s", this.id);
    this._cancelUpgrade();
  }

  /** @internal Every 100 ms during an upgrade: release the client's paused GET. */
  onUpgradeCheck(): void {
    const upgrade = this.#upgrade;
    if (upgrade?.check == null || this.#readyState === "closed") return;
    this._releasePoll();
    this.#ctx.upgradeCheckQueue.push(upgrade.check);
  }

  /** @internal */ private _onProbeText(text: string): void {
    const upgrade = this.#upgrade!;
    const probe = upgrade.probe;
    if (text === "2probe" && !upgrade.probed) {
      upgrade.probed = true;
      probe.sendText("3probe");
      this.emit("upgrading", probe);
      if (this.#upgrade !== upgrade) return;
      this._releasePoll();
      upgrade.check ??= new DeadlineNode<Socket>(this);
      this.#ctx.upgradeCheckQueue.push(upgrade.check);
    } else if (text === "5" && upgrade.probed) {
      this._completeUpgrade(probe);
    } else {
      this._cancelUpgrade();
    }
  }

  /** @internal Answers a pending polling GET (with queued packets, or `6`) so the client can pause. */
  private _releasePoll(): void {
    if (this.#transport.name !== "polling" || !this.#transport.writable) return;
    if (this.#items === null) this._push(NOOP);
    this.flush();
  }

  /** @internal */ private _completeUpgrade(probe: WebSocketTransport): void {
    this._stopUpgradeClocks();
    const old = this.#transport;
    this.#upgrade = null;
    this.#transport = probe;
    this.#bits |= UPGRADED;
    old.shutdown("graceful", NOOP);
    debug("%s upgraded to websocket", this.id);
    if (this.#readyState === "closing") {
      // close() was called mid-upgrade: its `1` was meant for polling; the WebSocket closes instead.
      this.#bits &= ~CLOSE_AFTER_FLUSH;
      const items = this.#items;
      if (items !== null && items[items.length - 1] === CLOSE) {
        items.pop();
        this.#send?.compress?.pop();
        if (items.length === 0) {
          this.#items = null;
          if (this.#send !== null) this.#send.compress = null;
        }
      }
      this.#ctx.closeQueue.remove(this);
    }
    this.emit("upgrade", probe);
    this.flush();
    if (this.#readyState === "closing") this._closeTransport(false);
  }

  /** @internal */ private _cancelUpgrade(): void {
    const upgrade = this.#upgrade;
    if (upgrade === null) return;
    this._stopUpgradeClocks();
    this.#upgrade = null;
    upgrade.probe.shutdown("graceful");
  }

  /** @internal */ private _stopUpgradeClocks(): void {
    const upgrade = this.#upgrade;
    if (upgrade === null) return;
    this.#ctx.upgradeQueue.remove(upgrade.timeout);
    if (upgrade.check !== null) this.#ctx.upgradeCheckQueue.remove(upgrade.check);
  }

  // ---- close ----

  /** @internal */ private _onClose(reason: CloseReason, description?: Error, finalPacket: "1" | "6" = CLOSE): void {
    if (this.#readyState === "closed") return;
    this.#readyState = "closed";
    debug("%s closed: %s", this.id, reason);
    this._dlQueue?.remove(this);
    this._cancelUpgrade();
    this.#transport.shutdown(reason === "ping timeout" || reason === "transport error" ? "abort" : "graceful", finalPacket);
    this._clearQueue();
    if (this.#send !== null) this.#send.inflight = null;
    this.#ctx.removeSocket(this);
    const handler = this.#handler;
    if (handler !== null) {
      try {
        handler.onClose(reason, description);
      } catch (err) {
        this.#ctx.reportError(err, this);
      }
    }
    this.emit("close", reason, description);
  }
}

function describe(item: OutItem): PacketInfo {
  if (typeof item !== "string") return { type: "message", data: item instanceof PreEncodedPacket ? item.data : item };
  const type = PacketTypeNames[item.charCodeAt(0) - CODE_0] ?? "message";
  return item.length > 1 ? { type, data: item.slice(1) } : { type };
}
