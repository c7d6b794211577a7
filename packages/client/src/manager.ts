import {
  Emitter,
  on,
  type DefaultEventsMap,
  type EventsMap,
  type Subscribable,
} from "@switchboard/emitter";
import {
  Socket as Engine,
  clearTimer,
  setTimer,
  type SocketEvents as EngineEvents,
} from "@switchboard/engine-client";
import { Decoder as SioDecoder, Encoder as SioEncoder, type Packet } from "@switchboard/parser";
import { backoffDelay, clampJitter } from "./backoff.js";
import { ClientError, ERR_CONNECT_CLOSED, ERR_CONNECT_TIMEOUT } from "./errors.js";
import { LOG, createDebug } from "@switchboard/engine-client/log";
import { NODE } from "@switchboard/engine-client/runtime";
import type { ManagerOptions, Parser, SocketOptions } from "./options.js";
import { Socket } from "./socket.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("socket.io-client:manager");

// Named imports (not `import *`), so that bundles keep only the codec, not the whole parser module.
const defaultParser = { Encoder: SioEncoder, Decoder: SioDecoder } as unknown as Parser;

/** Description given with a `close`/`disconnect` reason (the engine's error or close details). */
export type DisconnectDescription = Error | { description: string; context?: unknown };

export interface ManagerReservedEvents {
  open: () => void;
  error: (err: Error) => void;
  ping: () => void;
  packet: (packet: Packet) => void;
  close: (reason: string, description?: DisconnectDescription) => void;
  reconnect_failed: () => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect_error: (err: Error) => void;
  reconnect: (attempt: number) => void;
}

type Encoder = InstanceType<Parser["Encoder"]>;
type Decoder = InstanceType<Parser["Decoder"]>;

/**
 * One Engine.IO connection shared by the namespace sockets of a server: reconnection with backoff, connect
 * timeout, packet encoding and decoding (docs/protocol.md §4).
 */
export class Manager<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends Emitter<Record<never, never>, Record<never, never>, ManagerReservedEvents> {
  /** The Engine.IO client socket of the current connection (`declare`: set by `open()`). */
  declare engine: Engine;
  /** The namespace sockets created by this Manager. @internal */
  readonly nsps: Record<string, Socket<ListenEvents, EmitEvents>> = {};
  /** @internal */ readyState: "opening" | "open" | "closed" = "closed";
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  /** @internal */ reconnecting = false;
  /** @internal */ declare readonly autoConnect: boolean;
  declare readonly opts: ManagerOptions;
  /** The URI given to the constructor. */
  declare readonly uri: string | undefined;
  // Reconnection backoff (docs/protocol.md §4), as Backoff's fields but private: delays handed out since the last
  // success (`attempts`), first delay, cap and jitter (see backoffDelay).
  #attempts = 0;
  #delay: number;
  #delayMax: number;
  #jitter: number;
  readonly #encoder: Encoder;
  readonly #decoder: Decoder;
  #reconnection: boolean;
  #reconnectionAttempts: number;
  #timeout: number | false;
  #skipReconnect = false;
  #subs: Array<() => void> = [];
  #decoded: Packet | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @example
   * const manager = new Manager("https://example.com", { reconnectionDelayMax: 10000 });
   * const socket = manager.socket("/admin");
   */
  constructor(uri?: string | Partial<ManagerOptions>, opts?: Partial<ManagerOptions>) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = undefined;
    }
    const o: ManagerOptions = { ...opts };
    o.path ??= "/socket.io";
    this.opts = o;
    this.uri = uri;
    this.#reconnection = o.reconnection !== false;
    this.#reconnectionAttempts = o.reconnectionAttempts ?? Infinity;
    this.#delay = o.reconnectionDelay ?? 1000;
    this.#delayMax = o.reconnectionDelayMax ?? 5000;
    this.#jitter = clampJitter(o.randomizationFactor ?? 0.5);
    this.#timeout = o.timeout ?? 20000;
    const parser: Parser = o.parser ?? defaultParser;
    this.#encoder = new parser.Encoder();
    // Only when set: socket.io-parser would take an explicit `undefined` as "no limit".
    this.#decoder = new parser.Decoder(
      o.maxAttachments === undefined ? undefined : { maxAttachments: o.maxAttachments },
    );
    this.#decoder.on("decoded", (packet) => {
      this.#decoded = packet;
    });
    this.autoConnect = o.autoConnect !== false;
    if (this.autoConnect) this.open();
  }

  /** Gets or sets `reconnection`. @example manager.reconnection(false); */
  reconnection(): boolean;
  reconnection(v: boolean): this;
  reconnection(v?: boolean): this | boolean {
    if (v === undefined) return this.#reconnection;
    this.#reconnection = !!v;
    if (!v) this.#skipReconnect = true;
    return this;
  }

  /** Gets or sets `reconnectionAttempts`. @example manager.reconnectionAttempts(5); */
  reconnectionAttempts(): number;
  reconnectionAttempts(v: number): this;
  reconnectionAttempts(v?: number): this | number {
    if (v === undefined) return this.#reconnectionAttempts;
    this.#reconnectionAttempts = v;
    return this;
  }

  /** Gets or sets `reconnectionDelay` (ms). @example manager.reconnectionDelay(500); */
  reconnectionDelay(): number;
  reconnectionDelay(v: number): this;
  reconnectionDelay(v?: number): this | number {
    if (v === undefined) return this.#delay;
    this.#delay = v;
    return this;
  }

  /** Gets or sets `randomizationFactor`. @example manager.randomizationFactor(0); */
  randomizationFactor(): number;
  randomizationFactor(v: number): this;
  randomizationFactor(v?: number): this | number {
    if (v === undefined) return this.#jitter;
    this.#jitter = v;
    return this;
  }

  /** Gets or sets `reconnectionDelayMax` (ms). @example manager.reconnectionDelayMax(10000); */
  reconnectionDelayMax(): number;
  reconnectionDelayMax(v: number): this;
  reconnectionDelayMax(v?: number): this | number {
    if (v === undefined) return this.#delayMax;
    this.#delayMax = v;
    return this;
  }

  /** Gets or sets the connect `timeout` (ms or `false`). @example manager.timeout(5000); */
  timeout(): number | false;
  timeout(v: number | false): this;
  timeout(v?: number | false): this | number | false {
    if (v === undefined) return this.#timeout;
    this.#timeout = v;
    return this;
  }

  /**
   * Opens the connection (no-op when already open or opening). `fn` gets the error if it fails.
   * @example
   * const manager = new Manager(url, { autoConnect: false });
   * manager.open((err) => console.log(err ? "failed" : "connected"));
   */
  open(fn?: (err?: Error) => void): this {
    if (this.readyState === "open" || this.readyState === "opening") return this;
    if (LOG) debug("opening %s", this.uri);
    const engine = new Engine(this.uri, this.opts);
    this.engine = engine;
    this.readyState = "opening";
    this.#skipReconnect = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Both outcomes start with #cleanup(), which also clears the connect timer (last of these subscriptions).
    const onError = (err: Error): void => {
      this.#cleanup();
      this.readyState = "closed";
      this.emitReserved("error", err);
      if (fn) fn(err);
      // Only the first failure starts the reconnection loop; later ones are handled by #reconnect's callback.
      else if (!this.reconnecting && this.#reconnection && this.#attempts === 0) this.#reconnect();
    };
    this.#subs.push(
      on(engine as unknown as Subscribable<EngineEvents>, "open", () => {
        this.#onopen();
        fn?.();
      }),
      on(engine as unknown as Subscribable<EngineEvents>, "error", onError),
      // Closed before the handshake without an error (e.g. an undecodable handshake: `parse error`).
      on(engine as unknown as Subscribable<EngineEvents>, "close", (reason) =>
        onError(new ClientError(ERR_CONNECT_CLOSED, reason)),
      ),
      () => clearTimer(this.opts, timer),
    );
    if (this.#timeout !== false) {
      timer = setTimer(
        this.opts,
        () => {
          if (LOG) debug("connect attempt timed out");
          onError(new ClientError(ERR_CONNECT_TIMEOUT, "timeout")); // unsubscribes first
          engine.close();
        },
        this.#timeout,
      );
      if (NODE && this.opts.autoUnref) (timer as { unref?: () => void }).unref?.();
    }
    return this;
  }

  /** Alias of {@link Manager.open}. */
  connect(fn?: (err?: Error) => void): this {
    return this.open(fn);
  }

  #onopen(): void {
    if (LOG) debug("open");
    this.#cleanup();
    this.readyState = "open";
    this.emitReserved("open");
    const engine = this.engine as unknown as Subscribable<EngineEvents>;
    this.#subs.push(
      on(engine, "ping", () => this.emitReserved("ping")),
      on(engine, "data", (data) => this.#ondata(data)),
      on(engine, "error", (err) => this.emitReserved("error", err)),
      on(engine, "close", (reason, description) => this.#onclose(reason, description)),
    );
  }

  #ondata(data: unknown): void {
    try {
      this.#decoder.add(data);
    } catch (err) {
      // A malformed packet from the server (docs/protocol.md §2.7 client side).
      if (LOG) debug("parse error %o", err);
      this.#onclose("parse error", err as Error);
      return;
    }
    const packet = this.#decoded;
    if (!packet) return; // waiting for more binary attachments
    this.#decoded = undefined;
    // Dispatched after decoding, so that a throwing user handler cannot be taken for a parse error; its
    // exception is rethrown on its own (like socket.io-client's deferred dispatch) so our state stays intact.
    try {
      this.emitReserved("packet", packet);
      // Only to sockets that are subscribed (socket.io-client routes through its `packet` event).
      const socket = this.nsps[packet.nsp];
      if (socket?.active) socket.onpacket(packet);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /**
   * Creates (or returns) the socket for a namespace.
   * @example
   * const admin = manager.socket("/admin", { auth: { token: "abc" } });
   */
  socket(nsp: string, opts?: SocketOptions): Socket<ListenEvents, EmitEvents> {
    let socket = this.nsps[nsp];
    if (!socket) {
      socket = new Socket<ListenEvents, EmitEvents>(this, nsp, opts);
      this.nsps[nsp] = socket;
    } else if (this.autoConnect && !socket.active) {
      socket.connect();
    }
    return socket;
  }

  /** A socket left: close the connection once no socket is active. @internal */
  destroySocket(_socket: Socket<ListenEvents, EmitEvents>): void {
    for (const nsp in this.nsps) if (this.nsps[nsp]!.active) return;
    this._close();
  }

  /** Encodes and writes a packet. @internal */
  packet(packet: Packet & { options?: { compress?: boolean } }): void {
    const chunks = this.#encoder.encode(packet);
    for (const chunk of chunks) this.engine.write(chunk as string, packet.options);
  }

  #cleanup(): void {
    for (const off of this.#subs) off();
    this.#subs = [];
    this.#decoded = undefined;
    this.#decoder.destroy();
  }

  /**
   * Closes the connection and stops reconnecting. Public in socket.io-client's typings (its tests and some apps
   * call it), hence the underscore.
   * @example
   * manager._close();
   */
  _close(): void {
    if (LOG) debug("disconnect");
    this.#skipReconnect = true;
    this.reconnecting = false;
    clearTimer(this.opts, this.#reconnectTimer);
    this.#onclose("forced close");
  }

  /** Alias of {@link Manager._close}. @example manager.disconnect(); */
  disconnect(): void {
    this._close();
  }

  #onclose(reason: string, description?: DisconnectDescription): void {
    if (LOG) debug("closed due to %s", reason);
    this.#cleanup();
    this.engine?.close();
    this.#attempts = 0;
    this.readyState = "closed";
    this.emitReserved("close", reason, description);
    if (this.#reconnection && !this.#skipReconnect) this.#reconnect();
  }

  #reconnect(): void {
    if (this.reconnecting || this.#skipReconnect) return;
    if (this.#attempts >= this.#reconnectionAttempts) {
      if (LOG) debug("reconnect failed");
      this.#attempts = 0;
      this.emitReserved("reconnect_failed");
      this.reconnecting = false;
      return;
    }
    const delay = backoffDelay(this.#attempts++, this.#delay, this.#delayMax, this.#jitter);
    if (LOG) debug("will wait %dms before reconnect attempt", delay);
    this.reconnecting = true;
    this.#reconnectTimer = setTimer(
      this.opts,
      () => {
        if (this.#skipReconnect) return;
        this.emitReserved("reconnect_attempt", this.#attempts);
        if (this.#skipReconnect) return; // a listener may have closed the manager
        this.open((err) => {
          if (err) {
            this.reconnecting = false;
            this.#reconnect();
            this.emitReserved("reconnect_error", err);
          } else {
            const attempts = this.#attempts;
            this.reconnecting = false;
            this.#attempts = 0;
            this.emitReserved("reconnect", attempts);
          }
        });
      },
      delay,
    );
    if (NODE && this.opts.autoUnref) (this.#reconnectTimer as { unref?: () => void }).unref?.();
  }
}
