import { EventEmitter } from "node:events";
import createDebug from "debug";
import { PacketTypeNames } from "@switchboard/engine-parser";
import { DeadlineNode } from "./deadline-queue.js";
import { ParseError } from "./errors.js";
import { PreEncodedPacket } from "./pre-encoded.js";
import type { EngineRequest } from "./request.js";
import type { Server } from "./server.js";
import type { SessionContext } from "./session-context.js";
import type { OutItem, Transport } from "./transports/transport.js";
import type { WebSocketTransport } from "./transports/websocket.js";
import type { CloseReason, PacketInfo, ReadyState, SendData, SendOptions, SocketEvents } from "./socket-events.js";
import { WriteQueue, type SendCallback } from "./write-queue.js";

const debug = createDebug("engine:socket");

const OPEN = "0";
const CLOSE = "1";
const PING = "2";
const NOOP = "6";
const CODE_0 = 48;
const CODE_B = 98;

/**
 * One Engine.IO session (a client connection), over polling or WebSocket.
 * @example
 * server.on("connection", (socket) => {
 *   socket.on("message", (data) => socket.send(data));
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 */
export class Socket extends EventEmitter<SocketEvents> {
  /** Session id (the `sid` query parameter). Keep it secret: it authenticates polling requests. */
  readonly id: string;
  readonly server: Server;
  /** The handshake request (headers, `_query`, remote socket). */
  readonly request: EngineRequest;
  /** Engine.IO protocol revision. */
  readonly protocol = 4;
  /** Client address of the handshake connection. */
  readonly remoteAddress: string;
  #readyState: ReadyState = "opening";
  #transport: Transport;
  readonly #ctx: SessionContext;
  readonly #queue: WriteQueue;
  /** Callbacks of packets written but not yet drained (polling with compression). */
  #inflight: SendCallback[] | null = null;
  #scheduled = false;
  #flushing = false;
  /** In the ping queue, the pong queue or (while closing) the close queue. */
  readonly #clock: DeadlineNode<Socket>;
  #upgradeNode: DeadlineNode<Socket> | null = null;
  #checkNode: DeadlineNode<Socket> | null = null;
  #probe: WebSocketTransport | null = null;
  #probed = false;
  #upgraded = false;
  /** close() waits for the queued packets to be written before it queues the `1` (polling). */
  #closeAfterFlush = false;

  /** @internal */
  constructor(id: string, ctx: SessionContext, transport: Transport, req: EngineRequest) {
    super();
    this.id = id;
    this.server = ctx.server;
    this.request = req;
    this.remoteAddress = req.socket?.remoteAddress ?? "";
    this.#ctx = ctx;
    this.#transport = transport;
    transport.owner = this;
    this.#clock = new DeadlineNode<Socket>(this);
    this.#queue = new WriteQueue(ctx.opts.perMessageDeflate !== false);
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
    return this.#upgraded;
  }

  /** Whether a WebSocket upgrade is in progress. */
  get upgrading(): boolean {
    return this.#probe !== null;
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
    this.#enqueue(OPEN + handshake, true, undefined);
    if (opts.initialPacket !== undefined) this.send(opts.initialPacket);
    this.#ctx.pingQueue.push(this.#clock);
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
    this.#enqueue(item, options?.compress !== false, callback);
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
    if (this.#readyState === "closing" && discard) this.#onClose("forced close");
    if (this.#readyState !== "open" && this.#readyState !== "opening") return this;
    this.#readyState = "closing";
    const clock = this.#clock;
    clock.queue?.remove(clock);
    // During an upgrade the `1` goes out on polling as usual; if the client completes the upgrade
    // first (`5` on the probe), #completeUpgrade delivers the queue and closes on the WebSocket.
    if (this.#probe !== null && discard) this.#cancelUpgrade();
    if (!discard && this.#transport.name === "polling" && this.#queue.length > 0) {
      // §1.7: the `1` travels in a response of its own, after the packets already queued. A client
      // that handles a payload's packets a tick late (the official one does) would otherwise see
      // the close first and lose them. The close queue bounds the wait for the GETs.
      this.#closeAfterFlush = true;
      this.#ctx.closeQueue.push(clock);
      this.flush();
      return this;
    }
    this.#closeTransport(discard);
    return this;
  }

  #closeTransport(discard: boolean): void {
    const transport = this.#transport;
    if (transport.name === "websocket") {
      this.flush();
      this.#onClose("forced close");
      return;
    }
    this.#push(CLOSE);
    if (transport.writable) this.flush();
    else if (discard) this.#onClose("forced close");
    else this.#ctx.closeQueue.push(this.#clock);
  }

  /** Writes queued packets now if the transport is writable (normally done at the end of the tick). */
  flush(): void {
    if (this.#flushing) {
      this.#schedule();
      return;
    }
    const transport = this.#transport;
    const queue = this.#queue;
    if (this.#readyState === "closed" || queue.length === 0 || !transport.writable) return;
    if (this.listenerCount("flush") > 0) this.emit("flush", queue.items.map(describe));
    const callbacks = queue.takeCallbacks();
    const closing = this.#readyState === "closing" && queue.last === CLOSE;
    let sync: boolean;
    this.#flushing = true;
    try {
      sync = queue.writeTo(transport);
    } finally {
      this.#flushing = false;
    }
    // The write may have failed and closed the session (a poll that went away).
    if (this.readyState === "closed") return;
    if (callbacks !== null) {
      if (this.#inflight === null) this.#inflight = callbacks;
      else for (const cb of callbacks) this.#inflight.push(cb);
    }
    if (closing) this.#onClose("forced close");
    else if (sync) this.#drained();
    if (this.#closeAfterFlush && this.#readyState === "closing") {
      this.#closeAfterFlush = false;
      this.#push(CLOSE); // written by the next GET (this one was just answered)
    }
  }

  /** @internal Runs the flush scheduled by `send()` (called once per tick by the server). */
  runScheduledFlush(): void {
    this.#scheduled = false;
    this.flush();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#ctx.scheduleFlush(this);
    }
  }

  #push(item: OutItem): void {
    this.#queue.push(item);
  }

  #enqueue(item: OutItem, compress: boolean, callback: SendCallback | undefined): void {
    this.#queue.push(item, compress, callback);
    this.#schedule();
  }

  #drained(): void {
    const callbacks = this.#inflight;
    this.#inflight = null;
    if (callbacks !== null) for (const cb of callbacks) cb();
    if (this.listenerCount("drain") > 0) this.emit("drain");
  }

  // ---- transport events (TransportOwner); user exceptions never escape into the transport ----

  /** @internal */
  onText(transport: Transport, text: string): void {
    try {
      if (transport === this.#probe) this.#onProbeText(text);
      else this.#onPacket(text);
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onBinary(transport: Transport, data: Buffer): void {
    try {
      if (transport === this.#probe) this.#cancelUpgrade();
      else if (this.#readyState === "open") {
        if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
        this.#onMessage(data);
      }
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  /** @internal */
  onTransportError(transport: Transport, err: Error): void {
    try {
      if (transport === this.#probe) this.#cancelUpgrade();
      else if (transport === this.#transport) {
        // As on the reference server the failure is reported by `close`, not by an `error` event.
        debug("transport error on %s: %s", this.id, err.message);
        this.#onClose("transport error", err);
      }
    } catch (e) {
      this.#ctx.reportError(e, this);
    }
  }

  /** @internal */
  onTransportClose(transport: Transport): void {
    try {
      if (transport === this.#probe) this.#cancelUpgrade();
      else if (transport === this.#transport) this.#onClose("transport close");
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
      if (transport === this.#transport && this.#readyState !== "closed") this.#drained();
    } catch (err) {
      this.#ctx.reportError(err, this);
    }
  }

  #onPacket(text: string): void {
    if (this.#readyState !== "open") return;
    const length = text.length;
    if (length === 0) return this.#protocolError("empty packet");
    const code = text.charCodeAt(0);
    if (code === CODE_B) {
      // Binary message in text form (§1.2); base64 decoding of peer input never throws.
      const data = Buffer.from(text.slice(1), "base64");
      if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
      this.#onMessage(data);
      return;
    }
    const type = code - CODE_0;
    const name = PacketTypeNames[type];
    if (name === undefined) return this.#protocolError("unknown packet type");
    if (this.listenerCount("packet") > 0) this.emit("packet", length > 1 ? { type: name, data: text.slice(1) } : { type: name });
    switch (type) {
      case 4:
        this.#onMessage(length > 1 ? text.slice(1) : "");
        return;
      case 3:
        this.#onPong();
        return;
      case 1:
        // §1.7: a client close over polling answers the pending GET with a noop.
        this.#onClose("transport close", undefined, NOOP);
        return;
      case 6:
        return;
      default:
        // open, upgrade, and (in v4) a client ping outside the probe are protocol errors (§1.5).
        this.#protocolError(`unexpected ${name} packet`);
    }
  }

  #onMessage(data: string | Buffer): void {
    this.emit("data", data);
    this.emit("message", data);
  }

  #onPong(): void {
    const clock = this.#clock;
    if (clock.queue !== this.#ctx.pongQueue) return;
    // §1.5: the next ping is pingInterval after the pong.
    this.#ctx.pingQueue.push(clock);
    this.emit("heartbeat");
  }

  #protocolError(message: string): void {
    debug("parse error on %s: %s", this.id, message);
    this.#onClose("parse error", new ParseError(message));
  }

  // ---- shared clocks (called by the server's deadline queues) ----

  /** @internal pingInterval elapsed: send `2` and wait pingTimeout for `3`. */
  onPingDue(): void {
    if (this.#readyState !== "open") return;
    this.#push(PING);
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", { type: "ping" });
    this.#schedule();
    this.#ctx.pongQueue.push(this.#clock);
  }

  /** @internal */
  onPingTimeout(): void {
    this.#onClose("ping timeout");
  }

  /** @internal The `1` packet of a server close waited too long for a GET. */
  onCloseTimeout(): void {
    this.#onClose("forced close");
  }

  // ---- upgrade (§1.6) ----

  /** @internal Takes a new WebSocket as upgrade probe. False when the session cannot upgrade. */
  beginUpgrade(probe: WebSocketTransport): boolean {
    if (this.#readyState !== "open" || this.#probe !== null || this.#upgraded || this.#transport.name !== "polling") {
      return false;
    }
    this.#probe = probe;
    probe.owner = this;
    this.#upgradeNode ??= new DeadlineNode<Socket>(this);
    this.#ctx.upgradeQueue.push(this.#upgradeNode);
    return true;
  }

  /** @internal upgradeTimeout elapsed without `5`. */
  onUpgradeTimeout(): void {
    debug("upgrade timeout on %s", this.id);
    this.#cancelUpgrade();
  }

  /** @internal Every 100 ms during an upgrade: release the client's paused GET. */
  onUpgradeCheck(): void {
    if (this.#probe === null || this.#readyState === "closed") return;
    this.#releasePoll();
    this.#ctx.upgradeCheckQueue.push(this.#checkNode!);
  }

  #onProbeText(text: string): void {
    const probe = this.#probe!;
    if (text === "2probe" && !this.#probed) {
      this.#probed = true;
      probe.sendText("3probe");
      this.emit("upgrading", probe);
      if (this.#probe !== probe) return;
      this.#releasePoll();
      this.#checkNode ??= new DeadlineNode<Socket>(this);
      this.#ctx.upgradeCheckQueue.push(this.#checkNode);
    } else if (text === "5" && this.#probed) {
      this.#completeUpgrade(probe);
    } else {
      this.#cancelUpgrade();
    }
  }

  /** Answers a pending polling GET (with queued packets, or `6`) so the client can pause. */
  #releasePoll(): void {
    if (this.#transport.name !== "polling" || !this.#transport.writable) return;
    if (this.#queue.length === 0) this.#push(NOOP);
    this.flush();
  }

  #completeUpgrade(probe: WebSocketTransport): void {
    this.#stopUpgradeClocks();
    const old = this.#transport;
    this.#probe = null;
    this.#probed = false;
    this.#transport = probe;
    this.#upgraded = true;
    old.shutdown("graceful", NOOP);
    debug("%s upgraded to websocket", this.id);
    if (this.#readyState === "closing") {
      // close() was called mid-upgrade: its `1` was meant for polling; the WebSocket closes instead.
      this.#closeAfterFlush = false;
      if (this.#queue.last === CLOSE) this.#queue.pop();
      this.#ctx.closeQueue.remove(this.#clock);
    }
    this.emit("upgrade", probe);
    this.flush();
    if (this.#readyState === "closing") this.#closeTransport(false);
  }

  #cancelUpgrade(): void {
    const probe = this.#probe;
    if (probe === null) return;
    this.#stopUpgradeClocks();
    this.#probe = null;
    this.#probed = false;
    probe.shutdown("graceful");
  }

  #stopUpgradeClocks(): void {
    if (this.#upgradeNode !== null) this.#ctx.upgradeQueue.remove(this.#upgradeNode);
    if (this.#checkNode !== null) this.#ctx.upgradeCheckQueue.remove(this.#checkNode);
  }

  // ---- close ----

  #onClose(reason: CloseReason, description?: Error, finalPacket: "1" | "6" = CLOSE): void {
    if (this.#readyState === "closed") return;
    this.#readyState = "closed";
    debug("%s closed: %s", this.id, reason);
    const clock = this.#clock;
    clock.queue?.remove(clock);
    this.#cancelUpgrade();
    this.#transport.shutdown(reason === "ping timeout" || reason === "transport error" ? "abort" : "graceful", finalPacket);
    this.#queue.clear();
    this.#inflight = null;
    this.#ctx.removeSocket(this);
    this.emit("close", reason, description);
  }
}

function describe(item: OutItem): PacketInfo {
  if (typeof item !== "string") return { type: "message", data: item instanceof PreEncodedPacket ? item.data : item };
  const type = PacketTypeNames[item.charCodeAt(0) - CODE_0] ?? "message";
  return item.length > 1 ? { type, data: item.slice(1) } : { type };
}
