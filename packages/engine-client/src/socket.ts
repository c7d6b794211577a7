import { Emitter } from "@switchboard/emitter";
import type { Packet, PacketType } from "./codec.js";
import { takeBatch } from "./batch.js";
import { ERR_BAD_OPTIONS, ERR_NO_TRANSPORTS, TransportError } from "./errors.js";
import { LOG, createDebug } from "#log";
import { resolveOptions, toQuery, type ResolvedOptions, type SocketOptions } from "./options.js";
import type { CookieJar, Platform, RawData } from "./platform.js";
import { Polling } from "./polling.js";
import {
  type CloseDetails,
  type Transport,
  type TransportContext,
  type TransportCtor,
} from "./transport.js";
import { CHECKS, NODE } from "#runtime";
import { clearTimer, setTimer } from "./timers.js";
import {
  priorWebsocketSuccess,
  probe,
  setPriorWebsocketSuccess,
  type ProbeEmit,
} from "./upgrade.js";
import { WebSocketTransport } from "./websocket.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("engine.io-client:socket");

/** The open packet's JSON (docs/protocol.md §1.4). */
export interface HandshakeData {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

export type SocketState = "opening" | "open" | "closing" | "closed";

export interface SocketEvents {
  open: () => void;
  handshake: (data: HandshakeData) => void;
  packet: (packet: Packet) => void;
  packetCreate: (packet: Packet) => void;
  data: (data: RawData) => void;
  message: (data: RawData) => void;
  ping: () => void;
  heartbeat: () => void;
  drain: () => void;
  flush: () => void;
  error: (err: Error) => void;
  upgrading: (transport: Transport) => void;
  upgrade: (transport: Transport) => void;
  upgradeError: (err: Error) => void;
  close: (reason: string, description?: CloseDetails | Error) => void;
}

export interface WriteOptions {
  /** Compress this message over WebSocket (when the server negotiated it). Default `true`. */
  compress?: boolean;
}

const DEFAULT_WRITE: WriteOptions = Object.freeze({ compress: true });
const BUILT_IN = new Map<string, TransportCtor>([
  ["polling", Polling],
  ["websocket", WebSocketTransport],
]);

/**
 * The Engine.IO client socket, shared by both platform entries (which pass their {@link Platform}).
 * Lifecycle: opening → open → closing → closed; one transport at a time, upgraded at most once.
 */
export class BaseSocket extends Emitter<Record<never, never>, Record<never, never>, SocketEvents> {
  /** Engine.IO protocol revision. */
  static readonly protocol = 4;
  /** Session id once the handshake is done (`declare`: no field definition in the bundle, as below). */
  declare id: string | undefined;
  readyState: SocketState = "opening";
  /** The current transport. */
  declare transport: Transport;
  /** Packets not yet handed to the transport. */
  writeBuffer: Packet[] = [];
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  /** The options with the URI and the defaults applied. */
  declare readonly opts: ResolvedOptions;
  /** Whether an upgrade is in progress. */
  upgrading = false;
  /** Transports still to try, in order. */
  declare transports: string[];
  /**
   * Node: how received binary is handed out, `nodebuffer` (Buffers, the default) or `arraybuffer` (engine.io-client's
   * property). Browsers always get ArrayBuffers; the client's browser bundles do not have the property.
   */
  declare binaryType: "nodebuffer" | "arraybuffer";
  // The handshake's heartbeat and payload limits (docs/protocol.md §1.4).
  #pingInterval = 0;
  #pingTimeout = 0;
  #maxPayload = 0;
  /** @internal */ upgrades: string[] = [];
  /** @internal */ declare readonly jar: CookieJar | undefined;
  #prevBufferLen = 0;
  #pingTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * When the heartbeat expires by the wall clock (ms since epoch); 0 before the handshake and once expired.
   * engine.io-client's name: its tests simulate a throttled timer by setting it. @internal
   */
  _pingTimeoutTime = 0;
  #removePageHooks: (() => void) | undefined;
  /** Transport classes given by the user, by name. */
  readonly #impls: Record<string, TransportCtor> = {};
  readonly #platform: Platform;
  readonly #onPingTimeout = (): void => this.#onClose("ping timeout");

  constructor(
    uri: string | SocketOptions | undefined,
    opts: SocketOptions | undefined,
    platform: Platform,
  ) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = undefined;
    }
    const o = resolveOptions(uri, opts);
    this.opts = o;
    if (CHECKS && o.transports && o.transportImplementations) {
      throw Object.assign(
        new TypeError(
          "specifying both 'transportImplementations' and 'transports' options is not supported",
        ),
        {
          code: ERR_BAD_OPTIONS,
        },
      );
    }
    // Classes, in order: a name stands for its built-in class, unknown names (e.g. `webtransport`, in
    // engine.io-client's default) are skipped; each class is known by its prototype's `name`. Always a new array:
    // `tryAllTransports` consumes it.
    this.transports = [];
    for (const t of o.transportImplementations ?? o.transports ?? ["polling", "websocket"]) {
      const T = typeof t === "string" ? BUILT_IN.get(t) : t;
      if (T) this.transports.push((this.#impls[T.prototype.name] = T).prototype.name);
    }
    this.#platform = platform;
    if (NODE) this.binaryType = platform.binary ? "nodebuffer" : "arraybuffer";
    if (NODE && o.withCredentials) this.jar = platform.cookieJar?.();
    if (platform.pageHooks) {
      this.#removePageHooks = platform.pageHooks(
        o.closeOnBeforeunload ? () => this.#onUnload() : undefined,
        () => this.#onClose("transport close", { description: "network connection lost" }),
      );
    }
    this.#open();
  }

  /** Creates a transport by name, applying `transportOptions[name]`. */
  #createTransport(name: string): Transport {
    const extra = this.opts.transportOptions?.[name];
    const opts = {
      ...this.opts,
      ...extra,
      port: String(extra?.port ?? this.opts.port),
      query: { ...this.opts.query, ...toQuery(extra?.query) },
    } as ResolvedOptions;
    const ctx: TransportContext = { ...this.#platform, opts, sid: this.id };
    if (NODE) ctx.jar = this.jar;
    return new this.#impls[name]!(ctx);
  }

  #open(): void {
    if (this.transports.length === 0) {
      queueMicrotask(() =>
        this.emitReserved(
          "error",
          new TransportError(ERR_NO_TRANSPORTS, "No transports available"),
        ),
      );
      return;
    }
    const name =
      this.opts.rememberUpgrade && priorWebsocketSuccess && this.transports.includes("websocket")
        ? "websocket"
        : this.transports[0]!;
    this.readyState = "opening";
    const transport = this.#createTransport(name);
    this.setTransport(transport);
    transport.open();
  }

  /** Makes `transport` the current one. @internal */
  setTransport(transport: Transport): void {
    if (LOG) debug("setting transport %s", transport.name);
    if (this.transport) this.transport.removeAllListeners();
    this.transport = transport;
    // At most two transports per session (the first and the upgrade), so closures cost nothing per packet.
    transport.on("drain", () => this.#onDrain());
    transport.on("packet", (packet) => this.#onPacket(packet));
    transport.on("error", (err) => this.#onError(err));
    transport.on("close", (details) => this.#onClose("transport close", details));
  }

  #onPacket(packet: Packet): void {
    if (this.readyState === "closed") return;
    this.emitReserved("packet", packet);
    this.emitReserved("heartbeat");
    switch (packet.type) {
      case "open":
        this.#onHandshake(packet.data);
        break;
      case "ping":
        this.#resetPingTimeout();
        this.#sendPacket("pong");
        this.emitReserved("ping");
        break;
      case "message": {
        let data = packet.data ?? ""; // `4` alone is an empty text message
        if (NODE && this.binaryType === "arraybuffer" && typeof data !== "string")
          data = toArrayBuffer(data);
        this.emitReserved("data", data);
        this.emitReserved("message", data);
        break;
      }
      case "error":
        // Malformed Engine.IO data from the server (docs/protocol.md §1.2).
        this.#onClose("parse error");
        break;
    }
  }

  #onHandshake(raw: RawData | undefined): void {
    if (this.id !== undefined) return; // a second open packet: ignore it
    let data: HandshakeData | undefined;
    try {
      // Anything but a JSON object (binary included) fails the checks below.
      data = JSON.parse(raw as string) as HandshakeData;
    } catch {
      // checked below
    }
    if (
      !data ||
      typeof data.sid !== "string" ||
      !isDelay(data.pingInterval) ||
      !isDelay(data.pingTimeout)
    ) {
      this.#onClose("parse error");
      return;
    }
    this.emitReserved("handshake", data);
    this.id = data.sid;
    this.transport.query.sid = data.sid;
    this.upgrades = Array.isArray(data.upgrades)
      ? data.upgrades.filter((t) => this.transports.includes(t))
      : [];
    this.#pingInterval = data.pingInterval;
    this.#pingTimeout = data.pingTimeout;
    this.#maxPayload = typeof data.maxPayload === "number" ? data.maxPayload : 0;
    this.#resetPingTimeout(); // before onOpen: flushing needs a live heartbeat deadline
    this.#onOpen();
  }

  #onOpen(): void {
    if (LOG) debug("socket open");
    this.readyState = "open";
    setPriorWebsocketSuccess(this.transport.name === "websocket");
    this.emitReserved("open");
    this.flush();
    if (
      this.readyState === "open" &&
      this.opts.upgrade !== false &&
      this.transport.name === "polling"
    ) {
      const emit: ProbeEmit = (ev, arg) =>
        (this.emitReserved as (ev: string, arg: unknown) => boolean)(ev, arg);
      for (const name of this.upgrades)
        if (name !== "polling") probe(this, this.#createTransport(name), emit);
    }
  }

  #resetPingTimeout(): void {
    clearTimer(this.opts, this.#pingTimer);
    // Timers overflow past 2^31-1 ms and would fire at once.
    const delay = Math.min(this.#pingInterval + this.#pingTimeout, 0x7fffffff);
    this._pingTimeoutTime = Date.now() + delay;
    this.#pingTimer = setTimer(this.opts, this.#onPingTimeout, delay);
    if (NODE && this.opts.autoUnref) unref(this.#pingTimer);
  }

  /**
   * Whether the heartbeat deadline passed by the wall clock; timers are throttled in background tabs, so the
   * timer alone may fire late (docs/protocol.md §1.5). When expired, the socket closes with `ping timeout` shortly.
   */
  hasPingExpired(): boolean {
    if (!this._pingTimeoutTime) return true;
    if (Date.now() <= this._pingTimeoutTime) return false;
    this._pingTimeoutTime = 0;
    clearTimer(this.opts, this.#pingTimer);
    this.#pingTimer = setTimer(this.opts, this.#onPingTimeout, 0);
    return true;
  }

  #onDrain(): void {
    this.writeBuffer.splice(0, this.#prevBufferLen);
    this.#prevBufferLen = 0;
    if (this.writeBuffer.length === 0) this.emitReserved("drain");
    else this.flush();
  }

  /** Hands buffered packets to the transport when it can take them. @internal */
  flush(): void {
    if (
      this.readyState === "closed" ||
      this.upgrading ||
      !this.transport.writable ||
      this.writeBuffer.length === 0
    )
      return;
    // No deadline (before the handshake) or a passed one: the connection is not usable (docs/protocol.md §1.5).
    if (this.hasPingExpired()) return;
    // Polling sends one POST per batch, cut before it exceeds the handshake's maxPayload.
    const packets =
      this.transport.name === "polling"
        ? takeBatch(this.writeBuffer, this.#maxPayload)
        : this.writeBuffer;
    this.transport.send(packets);
    this.#prevBufferLen = packets.length;
    this.emitReserved("flush");
  }

  /**
   * Sends a message.
   * @example
   * socket.send("hello");
   * socket.send(new Uint8Array([1, 2, 3]), { compress: false }, () => console.log("flushed"));
   */
  send(msg: RawData, options?: WriteOptions, fn?: () => void): this {
    this.#sendPacket("message", msg, options, fn);
    return this;
  }

  /** Alias of {@link BaseSocket.send}. */
  write(msg: RawData, options?: WriteOptions, fn?: () => void): this {
    return this.send(msg, options, fn);
  }

  #sendPacket(type: PacketType, data?: RawData, options?: WriteOptions, fn?: () => void): void {
    if (this.readyState === "closing" || this.readyState === "closed") return;
    const packet: Packet = { type, data, options: options ?? DEFAULT_WRITE };
    this.emitReserved("packetCreate", packet);
    this.writeBuffer.push(packet);
    if (fn) this.once("flush", fn);
    this.flush();
  }

  /**
   * Closes the session after flushing buffered packets (and after a running upgrade settles).
   * @example
   * socket.on("close", (reason) => console.log(reason)); // "forced close"
   * socket.close();
   */
  close(): this {
    if (this.readyState !== "opening" && this.readyState !== "open") return this;
    // Nothing can be flushed before the handshake: close at once.
    const canFlush = this.readyState === "open";
    this.readyState = "closing";
    // onClose closes the transport too ("forced close": with a goodbye), and runs once.
    const close = (): void => this.#onClose("forced close");
    const next = (): void => {
      if (!this.upgrading) return close();
      // Whichever way the upgrade ends; the other listener then finds the socket closed.
      this.once("upgrade", close);
      this.once("upgradeError", close);
    };
    if (canFlush && this.writeBuffer.length) this.once("drain", next);
    else next();
    return this;
  }

  #onError(err: TransportError): void {
    if (LOG) debug("socket error %o", err);
    setPriorWebsocketSuccess(false);
    if (this.opts.tryAllTransports && this.transports.length > 1 && this.readyState === "opening") {
      this.transports.shift();
      this.transport.removeAllListeners();
      this.transport.close();
      this.#open();
      return;
    }
    this.emitReserved("error", err);
    this.#onClose("transport error", err);
  }

  #onUnload(): void {
    // Leave silently: the page is going away, the server will notice.
    this.transport.removeAllListeners();
    this.transport.close();
  }

  /** Tears down the session once; every timer and listener is released here. */
  #onClose(reason: string, description?: CloseDetails | Error): void {
    if (this.readyState === "closed") return;
    if (LOG) debug('socket close with reason: "%s"', reason);
    clearTimer(this.opts, this.#pingTimer);
    this._pingTimeoutTime = 0;
    const t = this.transport;
    if (t) {
      // Unsubscribed first: its `close` must not come back here.
      t.removeAllListeners();
      // A dead or misbehaving peer gets no graceful goodbye that could keep the process waiting.
      if (reason === "forced close") t.close();
      else t.abort();
    }
    this.#removePageHooks?.(); // once: a closed socket never reopens
    this.readyState = "closed";
    this.id = undefined;
    this.emitReserved("close", reason, description);
    this.writeBuffer = [];
    this.#prevBufferLen = 0;
  }
}

function isDelay(v: unknown): v is number {
  return Number.isFinite(v) && (v as number) >= 0; // isFinite is false for non-numbers
}

/** A standalone ArrayBuffer with the bytes of `data` (a Buffer may be a view into a larger pool). */
function toArrayBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  return data instanceof ArrayBuffer
    ? data
    : (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
}

function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
