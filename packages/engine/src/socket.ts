import createDebug from "debug";
import {
  EncodedPackets,
  encodeOpenPacket,
  encodeTextMessage,
  type FinalPacket,
} from "@switchboard/engine-parser/internal";
import type { DeadlineLink, DeadlineQueue } from "./deadline-queue.js";
import type { FlowCounters, ResolvedBackpressure } from "./flow-control.js";
import {
  closeChannel,
  handshakeChannel,
  upgradeChannel,
  type CloseMessage,
  type HandshakeMessage,
  type UpgradeMessage,
} from "./diagnostics.js";
import type { ClockedSession } from "./heartbeat.js";
import { PreEncodedPacket } from "./pre-encoded.js";
import {
  handshakeRequest,
  joinHeaderShape,
  packHeaderShape,
  type EngineRequest,
} from "./request.js";
import { PacketReceiver } from "./receive.js";
import { reportError } from "./report.js";
import { FIRST_SESSION_BIT, POLLING, describe } from "./send-queue.js";
import type { Server } from "./server.js";
import type { SessionContext } from "./session-context.js";
import type { OutItem, Transport } from "./transports/transport.js";
import type { WebSocketTransport } from "./transports/websocket.js";
import type {
  CloseReason,
  ReadyState,
  SendData,
  SendOptions,
  SessionHandler,
} from "./socket-events.js";
import { UpgradeAttempt } from "./upgrade.js";
import type { SendCallback } from "./write-queue.js";

const debug = createDebug("engine:socket");
/** Per-message lines are decided once, from `DEBUG` at start-up: when off, one test of a constant. */
const tracePackets = debug.enabled;

const { close: CLOSE, ping: PING, pong: PONG, noop: NOOP } = EncodedPackets;

/** Bit of `_bits`: the session moved from polling to WebSocket. */
const UPGRADED = FIRST_SESSION_BIT;
/** Bit of `_bits`: the pong deadline of the current ping was already extended once. */
const PONG_EXTENDED = FIRST_SESSION_BIT << 1;
/** Bit of `_bits`: the session speaks Engine.IO v3 (`allowEIO3`, docs/protocol.md §1.10). */
const EIO3 = FIRST_SESSION_BIT << 2;

/**
 * One Engine.IO session (a client connection), over polling or WebSocket.
 * @example
 * server.on("connection", (socket) => {
 *   socket.on("message", (data) => socket.send(data));
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 */
// Memory per session matters (10,000s of idle sessions per process): the fields below (and the send
// queue's, see SendQueue) are what an open session needs; upgrade state, listener tables and the
// request stand-in are allocated on use, and the session is its own link in the shared heartbeat queues.
// It is a ClockedSession (heartbeat.ts) and an UpgradeHost (upgrade.ts), structurally: those are
// internal, so they stay out of the `implements` clause (and of the published declarations).
export class Socket extends PacketReceiver {
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
  #upgrade: UpgradeAttempt | null = null;
  #handler: SessionHandler | null = null;
  // Link of the heartbeat clock: the session sits in the ping queue, the pong queue or (while
  // closing) the close queue.
  /** @internal */ _dlPrev: DeadlineLink<ClockedSession> | null = null;
  /** @internal */ _dlNext: DeadlineLink<ClockedSession> | null = null;
  /** @internal */ _dlQueue: DeadlineQueue<ClockedSession> | null = null;
  /** @internal */ _dlDeadline = 0;

  /**
   * @internal With `keepRequest` false the IncomingMessage is dropped after the handshake (it is
   * about 1 KB per session) and `request` is rebuilt on demand from its headers and URL.
   */
  constructor(
    id: string,
    ctx: SessionContext,
    transport: Transport,
    req: EngineRequest,
    keepRequest = true,
  ) {
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
    if (transport.name === "polling") this._bits |= POLLING;
  }

  /** @internal */
  get _dlValue(): Socket {
    return this;
  }

  /** The engine server. */
  get server(): Server {
    return this.#ctx.server;
  }

  /** Engine.IO protocol revision: 4, or 3 for a socket.io-client 2.x session (`allowEIO3`). */
  get protocol(): 3 | 4 {
    return (this._bits & EIO3) !== 0 ? 3 : 4;
  }

  /** @internal Before `open()`: the session speaks v3 (its client pings, §1.10). */
  _useProtocol3(): void {
    this._bits |= EIO3;
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
    return (this._bits & UPGRADED) !== 0;
  }

  /** Whether a WebSocket upgrade is in progress. */
  get upgrading(): boolean {
    return this.#upgrade !== null;
  }

  /** @internal Sends the open packet (§1.4) and starts the heartbeat (§1.5). */
  open(): void {
    const opts = this.#ctx.opts;
    this.#readyState = "open";
    const open = encodeOpenPacket({
      sid: this.id,
      upgrades: this.#ctx.upgradesFor(this.#transport.name),
      pingInterval: opts.pingInterval,
      pingTimeout: opts.pingTimeout,
      maxPayload: opts.maxHttpBufferSize,
    });
    this._enqueue(open, true, undefined);
    if (opts.initialPacket !== undefined) this.send(opts.initialPacket);
    // §1.5 / §1.10: in v4 the server pings; in v3 it waits for the client's pings.
    if ((this._bits & EIO3) === 0) this.#ctx.heartbeat.start(this);
    else this.#ctx.heartbeat.awaitClientPing(this, true);
    if (handshakeChannel.hasSubscribers) {
      const message: HandshakeMessage = { socket: this, transport: this.#transport.name };
      handshakeChannel.publish(message);
    }
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
    if (tracePackets) debug("%s: sending message %s", this.id, preview(data));
    let item: OutItem;
    if (typeof data === "string") item = encodeTextMessage(data);
    else if (data instanceof PreEncodedPacket || Buffer.isBuffer(data)) item = data;
    else if (data instanceof ArrayBuffer) item = Buffer.from(data);
    else if (ArrayBuffer.isView(data))
      item = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError("send() takes a string, binary data or a PreEncodedPacket");
    const compress = options?.compress !== false;
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", describe(item, compress));
    this._enqueue(
      item,
      compress,
      callback,
      options === undefined ? undefined : (options.conflate ?? (options.droppable || undefined)),
    );
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
    this.#ctx.heartbeat.stop(this);
    // During an upgrade the `1` goes out on polling as usual; if the client completes the upgrade
    // first (`5` on the probe), _completeUpgrade delivers the queue and closes on the WebSocket.
    if (this.#upgrade !== null && discard) this._cancelUpgrade();
    if (!discard && this.#transport.name === "polling" && this.hasPendingWrites()) {
      // §1.7: the `1` travels in a response of its own, after the packets already queued. A client
      // that handles a payload's packets a tick late (the official one does) would otherwise see
      // the close first and lose them. The close queue bounds the wait for the GETs.
      this._closeAfterFlush();
      this.#ctx.heartbeat.awaitCloseRequest(this);
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
    if (transport.ready) {
      this._push(CLOSE);
      this.flush();
    } else if (discard) {
      this._onClose("forced close");
    } else {
      this._pushDeferredClose();
      this.#ctx.heartbeat.awaitCloseRequest(this);
    }
  }

  // ---- hooks of the send queue ----

  /** @internal */ protected _requestFlush(): void {
    this.#ctx.scheduleFlush(this);
  }

  /** @internal */ protected _tracksCompression(): boolean {
    return this.#ctx.opts.perMessageDeflate !== false;
  }

  /** @internal */ protected _backpressure(): ResolvedBackpressure | false {
    return this.#ctx.opts.backpressure;
  }

  /** @internal */ protected _flowCounters(): FlowCounters {
    return this.#ctx.server.flow;
  }

  /** @internal */ protected _onFlowDrain(): void {
    try {
      this.#handler?.onDrain?.();
    } catch (err) {
      reportError(err, this);
    }
  }

  /** @internal */ _report(err: unknown): void {
    reportError(err, this);
  }

  // ---- hooks of the receiver ----

  /** @internal */ protected _onMessage(data: string | Buffer): void {
    if (tracePackets) debug("%s: received message %s", this.id, preview(data));
    this.#handler?.onMessage(data);
    this.emit("data", data);
    this.emit("message", data);
  }

  /** @internal */ protected _onActivity(): void {
    if ((this._bits & PONG_EXTENDED) === 0 && this.#ctx.heartbeat.extendPongDeadline(this))
      this._bits |= PONG_EXTENDED;
  }

  /** @internal */ protected _onPong(): void {
    if (!this.#ctx.heartbeat.pongReceived(this)) return;
    this.#transport.compact();
    this.emit("heartbeat");
  }

  /** @internal §1.10: a v3 client pinged; answer `3` (no data, as the reference) and re-arm its deadline. */
  protected _onPing(): boolean {
    if ((this._bits & EIO3) === 0) return false;
    if (!this.#ctx.heartbeat.awaitClientPing(this)) return true;
    this._push(PONG);
    if (this.listenerCount("packetCreate") > 0)
      this.emit("packetCreate", { type: "pong", options: { compress: true } });
    this._schedule();
    this.emit("heartbeat");
    return true;
  }

  // ---- shared clocks (called by the server's deadline queues, see heartbeat.ts) ----

  /** @internal pingInterval elapsed: send a ping and wait pingTimeout for the pong. */
  onPingDue(): void {
    if (this.#readyState !== "open") return;
    this._bits &= ~PONG_EXTENDED;
    this._push(PING);
    if (this.listenerCount("packetCreate") > 0)
      this.emit("packetCreate", { type: "ping", options: { compress: true } });
    this._schedule();
    this.#ctx.heartbeat.pingSent(this);
  }

  /** @internal */
  onPingTimeout(): void {
    this._onClose("ping timeout");
  }

  /** @internal The close packet of a server close waited too long for a GET. */
  onCloseTimeout(): void {
    this._onClose("forced close");
  }

  // ---- upgrade (§1.6, see upgrade.ts) ----

  /** @internal Takes a new WebSocket as upgrade probe. False when the session cannot upgrade. */
  beginUpgrade(probe: WebSocketTransport): boolean {
    if (
      this.#readyState !== "open" ||
      this.#upgrade !== null ||
      (this._bits & UPGRADED) !== 0 ||
      this.#transport.name !== "polling"
    ) {
      return false;
    }
    this.#upgrade = new UpgradeAttempt(this, probe, this.#ctx.heartbeat);
    return true;
  }

  /** @internal Answers a pending polling GET (with queued packets, or a noop) so the client can pause. */
  _releasePoll(): void {
    if (this.#transport.name !== "polling" || !this.#transport.ready) return;
    if (!this.hasPendingWrites()) this._push(NOOP);
    this.flush();
  }

  /** @internal */
  _completeUpgrade(probe: WebSocketTransport): void {
    this.#upgrade?.stop();
    const old = this.#transport;
    this.#upgrade = null;
    this.#transport = probe;
    this._bits &= ~POLLING;
    probe.owner = this;
    this._bits |= UPGRADED;
    old.shutdown("graceful", NOOP);
    debug("%s upgraded to websocket", this.id);
    if (this.#readyState === "closing") {
      // close() was called mid-upgrade: its close packet was meant for polling; the WebSocket closes instead.
      this._retractClose();
      this.#ctx.heartbeat.closeRequestNotNeeded(this);
    }
    if (upgradeChannel.hasSubscribers) {
      const message: UpgradeMessage = { socket: this, from: old.name, to: probe.name };
      upgradeChannel.publish(message);
    }
    this.emit("upgrade", probe);
    this.flush();
    if (this.#readyState === "closing") this._closeTransport(false);
  }

  /** @internal */
  _cancelUpgrade(): void {
    const upgrade = this.#upgrade;
    if (upgrade === null) return;
    upgrade.stop();
    this.#upgrade = null;
    upgrade.probe.shutdown("graceful");
  }

  // ---- close ----

  /** @internal */ protected _onClose(
    reason: CloseReason,
    description?: Error,
    finalPacket: FinalPacket = CLOSE,
  ): void {
    if (this.#readyState === "closed") return;
    this.#readyState = "closed";
    debug("%s closed: %s", this.id, reason);
    this.#ctx.heartbeat.stop(this);
    this._cancelUpgrade();
    this.#transport.shutdown(
      // A slow consumer's buffered bytes would otherwise stay until its close handshake times out.
      reason === "ping timeout" || reason === "transport error" || reason === "slow consumer"
        ? "abort"
        : "graceful",
      finalPacket,
    );
    this._discardQueue();
    this.#ctx.removeSocket(this);
    if (closeChannel.hasSubscribers) {
      const message: CloseMessage = { socket: this, reason, description };
      closeChannel.publish(message);
    }
    const handler = this.#handler;
    if (handler !== null) {
      try {
        handler.onClose(reason, description);
      } catch (err) {
        reportError(err, this);
      }
    }
    this.emit("close", reason, description);
  }
}

/** A debug line's view of a message: text up to 200 characters, binary as its size. */
function preview(data: SendData): string {
  if (typeof data === "string") return data.length > 200 ? `${data.slice(0, 200)}…` : data;
  return data instanceof PreEncodedPacket ? "(pre-encoded)" : `<${data.byteLength} bytes>`;
}
