import {
  on,
  type AllButLast,
  type DecorateAcknowledgements,
  type DefaultEventsMap,
  type EventNames,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type Subscribable,
} from "@switchboard/emitter";
import { clearTimer, setTimer } from "@switchboard/engine-client";
import { RESERVED_EVENTS, type Packet } from "@switchboard/parser";
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
} from "@switchboard/parser/internal";
import { CatchAll } from "./any-listeners.js";
import {
  ClientError,
  ConnectError,
  ERR_ACK_TIMEOUT,
  ERR_BAD_CONNECT,
  ERR_DISCONNECTED,
  ERR_RESERVED_EVENT,
} from "./errors.js";
import { LOG, createDebug } from "@switchboard/engine-client/log";
import type { DisconnectDescription, Manager, ManagerReservedEvents } from "./manager.js";
import type { SocketOptions } from "./options.js";
import { drainQueue, enqueue } from "./retry-queue.js";
import type {
  AckFn,
  DisconnectReason,
  Flags,
  OutgoingPacket,
  PendingAck,
  Queued,
  SocketReservedEvents,
} from "./socket-types.js";

export type {
  AnyListener,
  DisconnectReason,
  OutgoingPacket,
  SocketReservedEvents,
} from "./socket-types.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("socket.io-client:socket");

/**
 * A namespace socket (the twin of socket.io-client's `Socket`): events and acknowledgements over the Manager's
 * connection, offline buffering, retries and connection state recovery.
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
> extends CatchAll<ListenEvents, SocketReservedEvents> {
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  /** The Manager (shared connection). */
  declare readonly io: Manager<ListenEvents, EmitEvents>;
  /** The namespace, e.g. `/` or `/admin`. */
  declare readonly nsp: string;
  /** Socket id given by the server; `undefined` while disconnected (`declare`: set when known). */
  declare id: string | undefined;
  /** Whether the namespace is joined. */
  connected = false;
  /** Whether the last connection restored the previous session (connection state recovery). */
  recovered = false;
  /** CONNECT payload, or a function called at each (re)connection. */
  declare auth: SocketOptions["auth"];
  /** Events received before the CONNECT acknowledgement, delivered on connect. */
  receiveBuffer: unknown[][] = [];
  /** Packets emitted while disconnected, sent in order on (re)connect. */
  sendBuffer: OutgoingPacket[] = [];
  /** @internal */ flags: Flags = {};
  /** @internal */ declare readonly opts: SocketOptions;
  // The base emitter's protected dispatchers, typed here because `emit` means "send" on this class
  // (`declare`: no runtime field, the inherited methods are used).
  declare protected emitReserved: (ev: string, ...args: unknown[]) => boolean;
  declare protected emitArgs: (ev: string, args: readonly unknown[]) => boolean;
  #subs: Array<() => void> | undefined;
  #ids = 0;
  /**
   * Pending acknowledgements, by ack id. A plain record named as in socket.io-client, whose own tests inspect it
   * (as they do `_queue`); both are renamed in the minified bundles. @internal
   */
  readonly acks: Record<number, PendingAck> = {};
  /**
   * At-least-once delivery with `retries` (docs/protocol.md §4): one packet in flight at a time, each re-sent until
   * acknowledged or out of retries; the user's ack, if any, is error-first. @internal
   */
  readonly _queue: Queued[] = [];
  #pid: string | undefined;
  #lastOffset: string | undefined;

  /** Use `io()` or `manager.socket()` rather than this constructor. */
  constructor(io: Manager<ListenEvents, EmitEvents>, nsp: string, opts?: SocketOptions) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.opts = { ...opts };
    if (opts?.auth) this.auth = opts.auth;
    if (io.autoConnect) this.open();
  }

  /** Whether the socket was disconnected (the opposite of {@link Socket.connected}). */
  get disconnected(): boolean {
    return !this.connected;
  }

  /** Whether the socket is subscribed to its Manager, i.e. will (re)connect by itself. */
  get active(): boolean {
    return !!this.#subs;
  }

  /**
   * Connects (or reconnects after `disconnect()`).
   * @example
   * const socket = io({ autoConnect: false });
   * socket.connect();
   */
  connect(): this {
    if (this.connected) return this;
    this.#subEvents();
    if (!this.io.reconnecting) this.io.open();
    if (this.io.readyState === "open") this.#onopen();
    return this;
  }

  /** Alias of {@link Socket.connect}. */
  open(): this {
    return this.connect();
  }

  #subEvents(): void {
    if (this.#subs) return;
    // The Manager's reserved events are what a socket listens to (its `on` is typed for user events too).
    const io = this.io as unknown as Subscribable<ManagerReservedEvents>;
    this.#subs = [
      on(io, "open", () => this.#onopen()),
      on(io, "error", (err) => {
        if (!this.connected) this.emitReserved("connect_error", err);
      }),
      on(io, "close", (reason, description) =>
        this.#onclose(reason as DisconnectReason, description),
      ),
    ];
  }

  #onopen(): void {
    if (LOG) debug("transport is open - connecting");
    const auth = this.auth;
    if (typeof auth === "function") auth((data) => this.#sendConnectPacket(data));
    else this.#sendConnectPacket(auth);
  }

  #sendConnectPacket(data: Record<string, unknown> | undefined): void {
    // Connection state recovery: offer the previous session (docs/protocol.md §2.9).
    const payload = this.#pid ? { pid: this.#pid, offset: this.#lastOffset, ...data } : data;
    this.#packet({ type: CONNECT, data: payload });
  }

  /** Handles a packet of this namespace, routed by the Manager. @internal */
  onpacket(packet: Packet): void {
    switch (packet.type) {
      case CONNECT: {
        const data = packet.data as { sid?: unknown; pid?: unknown } | undefined;
        if (data && typeof data.sid === "string")
          this.#onconnect(data.sid, typeof data.pid === "string" ? data.pid : undefined);
        else
          this.emitReserved(
            "connect_error",
            // Typically a Socket.IO v2 server; the code says so, the message stays short for the bundle.
            new ClientError(ERR_BAD_CONNECT, "invalid CONNECT reply"),
          );
        break;
      }
      case EVENT:
      case BINARY_EVENT:
        this.#onevent(packet.data as unknown[], packet.id);
        break;
      case ACK:
      case BINARY_ACK:
        this.#settle(packet.id, packet.data as unknown[]);
        break;
      case DISCONNECT:
        this.#destroy();
        this.#onclose("io server disconnect");
        break;
      case CONNECT_ERROR: {
        // Refused by the server: no retry on our own (docs/protocol.md §4).
        this.#destroy();
        const data = packet.data as { message?: unknown; data?: unknown } | string;
        const err =
          typeof data === "string"
            ? new ConnectError(data)
            : new ConnectError(String(data.message), data.data);
        this.emitReserved("connect_error", err);
        break;
      }
    }
  }

  #onevent(args: unknown[], id: number | undefined): void {
    // A contract validates first, in order even with async schemas; invalid events go to `onInvalid` only.
    const o = this.opts;
    if (o.contract) o.contract.receive(o, args, (a) => this.#onvalid(a, id));
    else this.#onvalid(args, id);
  }

  #onvalid(args: unknown[], id: number | undefined): void {
    if (id !== undefined) args.push(this.#ackFor(id));
    if (this.connected) this.#emitEvent(args);
    else this.receiveBuffer.push(args);
  }

  #emitEvent(args: unknown[]): void {
    // A snapshot: a catch-all listener may unsubscribe while called.
    for (const l of this.listenersAny()) l.apply(this, args);
    // CSR: the offset is the last string argument of each event (docs/protocol.md §2.9 item 2).
    if (this.#pid && args.length > 1) {
      const last = args[args.length - 1];
      if (typeof last === "string") this.#lastOffset = last;
    }
    const ev = args.shift() as string;
    this.emitArgs(ev, args);
  }

  /** An ACK arrived; unknown and duplicate ids are ignored. */
  #settle(id: number | undefined, args: unknown[]): void {
    const pending = this.acks[id as number];
    if (!pending) return;
    delete this.acks[id as number];
    clearTimer(this.io.opts, pending[2]);
    if (pending[1]) pending[0].call(this, null, ...args);
    else pending[0].apply(this, args);
  }

  #ackFor(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: ACK, id, data: args });
    };
  }

  #onconnect(id: string, pid: string | undefined): void {
    if (LOG) debug("socket connected with id %s", id);
    this.id = id;
    this.recovered = !!pid && this.#pid === pid;
    this.#pid = pid;
    this.connected = true;
    const received = this.receiveBuffer;
    this.receiveBuffer = [];
    for (const args of received) this.#emitEvent(args);
    const toSend = this.sendBuffer;
    this.sendBuffer = [];
    for (const packet of toSend) {
      this.#notifyOutgoing(packet);
      this.#packet(packet);
    }
    drainQueue(this, true);
    this.emitReserved("connect");
  }

  #onclose(reason: DisconnectReason, description?: DisconnectDescription): void {
    if (LOG) debug("close (%s)", reason);
    this.connected = false;
    this.id = undefined;
    this.emitReserved("disconnect", reason, description);
    // No answer can come for packets already written: error-first acks fail, plain ones are dropped. Packets
    // still in the send buffer keep theirs (§2.5).
    for (const id in this.acks) {
      if (this.sendBuffer.some((p) => p.id === +id)) continue;
      const [fn, withError, timer] = this.acks[id]!;
      delete this.acks[id];
      clearTimer(this.io.opts, timer);
      if (withError)
        fn.call(this, new ClientError(ERR_DISCONNECTED, "socket has been disconnected"));
    }
  }

  #destroy(): void {
    if (this.#subs) {
      for (const off of this.#subs) off();
      this.#subs = undefined;
    }
    this.io.destroySocket(this);
  }

  #packet(packet: OutgoingPacket): void {
    packet.nsp = this.nsp;
    this.io.packet(packet as Packet);
  }

  #notifyOutgoing(packet: OutgoingPacket): void {
    if (Array.isArray(packet.data))
      for (const l of this.listenersAnyOutgoing()) l.apply(this, packet.data);
  }

  /**
   * Sends an event; a function as last argument asks for an acknowledgement. While disconnected the packet
   * waits in {@link Socket.sendBuffer} (volatile packets are dropped instead).
   * @example
   * socket.emit("hello", "world");
   * socket.emit("question", 42, (answer) => console.log(answer));
   * socket.timeout(5000).emit("question", 42, (err, answer) => {});
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): this {
    const flags = this.flags;
    this.flags = {}; // before a throw too: the flags of a refused emit must not leak into the next one
    if (RESERVED_EVENTS.has(ev as string))
      throw new ClientError(ERR_RESERVED_EVENT, `"${String(ev)}" is a reserved event name`);
    const data: unknown[] = [ev, ...args];
    // Contract: throws EMIT_VALIDATION_ERROR before anything is buffered or sent; wraps the ack
    // callback so that it gets the parsed answer.
    this.opts.contract?.emitting(this.opts, data, flags);
    // `undefined > 0` is false: no retries by default.
    if ((this.opts.retries as number) > 0 && !flags.fromQueue && !flags.volatile) {
      enqueue(this, data, flags);
      return this;
    }
    const packet: OutgoingPacket = {
      type: EVENT,
      data,
      options: { compress: flags.compress !== false },
    };
    if (typeof data[data.length - 1] === "function") {
      const id = this.#ids++;
      const ack = data.pop() as AckFn;
      const timeout = flags.timeout ?? this.opts.ackTimeout;
      const timer =
        timeout === undefined
          ? undefined
          : setTimer(
              this.io.opts,
              () => {
                delete this.acks[id];
                // Never sent: it must not go out later either.
                const i = this.sendBuffer.findIndex((p) => p.id === id);
                if (i !== -1) this.sendBuffer.splice(i, 1);
                ack.call(this, new ClientError(ERR_ACK_TIMEOUT, "operation has timed out"));
              },
              timeout,
            );
      this.acks[id] = [ack, !!flags.fromQueue || !!flags.withError || timeout !== undefined, timer];
      packet.id = id;
    }
    // `connected` implies an engine; a transport is writable only while open (none if no transport could start).
    const engine = this.io.engine as typeof this.io.engine | undefined;
    const writable = engine?.transport?.writable;
    const isConnected = this.connected && !engine!.hasPingExpired();
    if (flags.volatile && !writable) {
      if (LOG) debug("discard volatile packet");
    } else if (isConnected) {
      this.#notifyOutgoing(packet);
      this.#packet(packet);
    } else {
      this.sendBuffer.push(packet);
    }
    return this;
  }

  /**
   * Emits and returns a Promise of the acknowledgement (rejected on timeout with `timeout()`/`ackTimeout`).
   * @example
   * const answer = await socket.timeout(1000).emitWithAck("question", 42);
   */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    type Res = FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>;
    return new Promise((resolve, reject) => {
      // Always error-first, like socket.io-client: rejected on timeout and upon disconnection.
      this.flags.withError = true;
      (this.emit as (ev: Ev, ...a: unknown[]) => this)(ev, ...args, (a: unknown, b: Res) =>
        a ? reject(a as Error) : resolve(b),
      );
    });
  }

  /**
   * Sends a `message` event.
   * @example
   * socket.send("hello");
   */
  send(...args: EventParams<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    return (this.emit as (ev: string, ...a: unknown[]) => this)("message", ...args);
  }

  /**
   * The next emit's acknowledgement gets an error as first argument after `timeout` ms without answer.
   * @example
   * socket.timeout(5000).emit("ask", (err, answer) => {
   *   if (err) console.log("no answer in 5 s");
   * });
   */
  timeout(timeout: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>> {
    this.flags.timeout = timeout;
    return this as unknown as Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>>;
  }

  /**
   * The next emit is dropped unless it can be written right now.
   * @example
   * socket.volatile.emit("position", x, y);
   */
  get volatile(): this {
    this.flags.volatile = true;
    return this;
  }

  /**
   * Sets whether the next emit is compressed (WebSocket permessage-deflate). Default `true`.
   * @example
   * socket.compress(false).emit("raw", data);
   */
  compress(compress: boolean): this {
    this.flags.compress = compress;
    return this;
  }

  /**
   * Leaves the namespace; the Manager closes the connection when no namespace is left. No reconnection follows
   * (reason `io client disconnect`).
   * @example
   * socket.disconnect();
   */
  disconnect(): this {
    if (this.connected) {
      if (LOG) debug("performing disconnect (%s)", this.nsp);
      this.#packet({ type: DISCONNECT });
    }
    this.#destroy();
    if (this.connected) this.#onclose("io client disconnect");
    return this;
  }

  /** Alias of {@link Socket.disconnect}. */
  close(): this {
    return this.disconnect();
  }
}
