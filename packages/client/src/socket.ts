import {
  Emitter,
  type AllButLast,
  type DecorateAcknowledgements,
  type DefaultEventsMap,
  type EventNames,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
} from "@switchboard/emitter";
import { PacketType, RESERVED_EVENTS, type Packet } from "@switchboard/parser";
import { AckRegistry, type AckFn } from "./acks.js";
import { AnyListeners, type AnyListener } from "./any-listeners.js";
import { ClientError, ConnectError, ErrorCode } from "./errors.js";
import { debug } from "./log.js";
import type { DisconnectDescription, Manager } from "./manager.js";
import type { SocketOptions } from "./options.js";
import { RetryQueue } from "./retry-queue.js";
import type { ListenerApi } from "./typed.js";

const log = debug("socket.io-client:socket");

// Shared, never mutated: no options object per packet.
const COMPRESS = Object.freeze({ compress: true });
const NO_COMPRESS = Object.freeze({ compress: false });


/** Why a socket disconnected (PROTOCOL.md §4); no automatic reconnection after the two `io …` ones. */
export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error";

export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (err: Error) => void;
  disconnect: (reason: DisconnectReason, description?: DisconnectDescription) => void;
}

/** A packet on its way out, with its send options. */
export type OutgoingPacket = Packet & { options?: { compress?: boolean } };

/** @internal */
export interface Flags {
  compress?: boolean;
  volatile?: boolean;
  timeout?: number;
  fromQueue?: boolean;
}

// The emitter minus its `emit`, whose meaning (and return type) the socket changes to "send to the server".
const Base = Emitter as unknown as abstract new <L extends EventsMap, R extends EventsMap>() => ListenerApi<L, R>;

/**
 * A namespace socket (the twin of socket.io-client's `Socket`): events and acknowledgements over the Manager's
 * connection, offline buffering, retries and connection state recovery.
 */
export class Socket<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents> extends Base<
  ListenEvents,
  SocketReservedEvents
> {
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  /** The Manager (shared connection). */
  declare readonly io: Manager<ListenEvents, EmitEvents>;
  /** The namespace, e.g. `/` or `/admin`. */
  declare readonly nsp: string;
  /** Socket id given by the server; `undefined` while disconnected. */
  id: string | undefined;
  /** Whether the namespace is joined. */
  connected = false;
  /** Whether the last connection restored the previous session (connection state recovery). */
  recovered = false;
  /** CONNECT payload, or a function called at each (re)connection. */
  auth: SocketOptions["auth"];
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
  readonly #acks = new AckRegistry();
  readonly #queue: RetryQueue;
  #pid: string | undefined;
  #lastOffset: string | undefined;
  readonly #any = new AnyListeners();
  readonly #anyOutgoing = new AnyListeners();

  /** Use `io()` or `manager.socket()` rather than this constructor. */
  constructor(io: Manager<ListenEvents, EmitEvents>, nsp: string, opts?: SocketOptions) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.opts = { ...opts };
    if (opts?.auth) this.auth = opts.auth;
    this.#queue = new RetryQueue(this.opts.retries ?? 0, (args, flags) => this.#emitFromQueue(args, flags));
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
    const io = this.io;
    const onOpen = (): void => this.#onopen();
    const onError = (err: Error): void => {
      if (!this.connected) this.emitReserved("connect_error", err);
    };
    const onClose = (reason: string, description?: DisconnectDescription): void => this.#onclose(reason as DisconnectReason, description);
    io.on("open", onOpen);
    io.on("error", onError);
    io.on("close", onClose);
    this.#subs = [() => io.off("open", onOpen), () => io.off("error", onError), () => io.off("close", onClose)];
  }

  #onopen(): void {
    log("transport is open - connecting");
    const auth = this.auth;
    if (typeof auth === "function") auth((data) => this.#sendConnectPacket(data));
    else this.#sendConnectPacket(auth);
  }

  #sendConnectPacket(data: Record<string, unknown> | undefined): void {
    // Connection state recovery: offer the previous session (PROTOCOL.md §2.9).
    const payload = this.#pid ? { pid: this.#pid, offset: this.#lastOffset, ...data } : data;
    this.#packet({ type: PacketType.CONNECT, nsp: this.nsp, data: payload });
  }

  /** Handles a packet of this namespace, routed by the Manager. @internal */
  onpacket(packet: Packet): void {
    if (!this.#subs) return;
    switch (packet.type) {
      case PacketType.CONNECT: {
        const data = packet.data as { sid?: unknown; pid?: unknown } | undefined;
        if (data && typeof data.sid === "string") this.#onconnect(data.sid, typeof data.pid === "string" ? data.pid : undefined);
        else
          this.emitReserved(
            "connect_error",
            // Typically a Socket.IO v2 server; the code says so, the message stays short for the bundle.
            new ClientError("invalid CONNECT reply (Socket.IO v2 server?)", ErrorCode.BAD_CONNECT),
          );
        break;
      }
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.#onevent(packet.data as unknown[], packet.id);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        if (packet.id !== undefined) this.#acks.settle(this, packet.id, packet.data as unknown[]);
        break;
      case PacketType.DISCONNECT:
        this.#destroy();
        this.#onclose("io server disconnect");
        break;
      case PacketType.CONNECT_ERROR: {
        // Refused by the server: no retry on our own (PROTOCOL.md §4).
        this.#destroy();
        const data = packet.data as { message?: unknown; data?: unknown } | string;
        const err = typeof data === "string" ? new ConnectError(data) : new ConnectError(String(data.message), data.data);
        this.emitReserved("connect_error", err);
        break;
      }
    }
  }

  #onevent(args: unknown[], id: number | undefined): void {
    if (id !== undefined) args.push(this.#ackFor(id));
    if (this.connected) this.#emitEvent(args);
    else this.receiveBuffer.push(args);
  }

  #emitEvent(args: unknown[]): void {
    this.#any.call(this, args);
    // CSR: the offset is the last string argument of each event (PROTOCOL.md §2.9 item 2).
    if (this.#pid && args.length > 1) {
      const last = args[args.length - 1];
      if (typeof last === "string") this.#lastOffset = last;
    }
    const ev = args.shift() as string;
    this.emitArgs(ev, args);
  }

  #ackFor(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: PacketType.ACK, nsp: this.nsp, id, data: args });
    };
  }

  #onconnect(id: string, pid: string | undefined): void {
    log("socket connected with id %s", id);
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
    this.#queue.drain(true);
    this.emitReserved("connect");
  }

  #onclose(reason: DisconnectReason, description?: DisconnectDescription): void {
    log("close (%s)", reason);
    this.connected = false;
    this.id = undefined;
    this.emitReserved("disconnect", reason, description);
    this.#acks.failSent(this);
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
    this.io.packet(packet);
  }

  #notifyOutgoing(packet: OutgoingPacket): void {
    if (Array.isArray(packet.data)) this.#anyOutgoing.call(this, packet.data);
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
    if (RESERVED_EVENTS.has(ev as string)) throw new ClientError(`"${String(ev)}" is a reserved event name`, ErrorCode.RESERVED_EVENT);
    const data: unknown[] = [ev, ...args];
    const flags = this.flags;
    this.flags = {};
    if (this.#queue.enabled && !flags.fromQueue && !flags.volatile) {
      this.#queue.add(data, flags);
      return this;
    }
    const packet: OutgoingPacket = { type: PacketType.EVENT, nsp: this.nsp, data, options: flags.compress === false ? NO_COMPRESS : COMPRESS };
    if (typeof data[data.length - 1] === "function") {
      const id = this.#ids++;
      const ack = data.pop() as AckFn;
      const timeout = flags.timeout ?? this.opts.ackTimeout;
      this.#acks.register(this, id, ack, flags.fromQueue === true || timeout !== undefined, timeout);
      packet.id = id;
    }
    const engine = this.io.engine as (typeof this.io.engine | undefined);
    const writable = engine?.readyState === "open" && engine.transport.writable;
    const isConnected = this.connected && engine !== undefined && !engine.hasPingExpired();
    if (flags.volatile && !writable) {
      log("discard volatile packet");
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
    const withErr = this.flags.timeout !== undefined || this.opts.ackTimeout !== undefined || (this.#queue.enabled && !this.flags.volatile);
    return new Promise((resolve, reject) => {
      const fn = withErr
        ? (err: unknown, res: FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>) => (err ? reject(err as Error) : resolve(res))
        : (res: FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>) => resolve(res);
      (this.emit as (ev: Ev, ...a: unknown[]) => this)(ev, ...args, fn);
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
      log("performing disconnect (%s)", this.nsp);
      this.#packet({ type: PacketType.DISCONNECT, nsp: this.nsp });
    }
    this.#destroy();
    if (this.connected) this.#onclose("io client disconnect");
    return this;
  }

  /** Alias of {@link Socket.disconnect}. */
  close(): this {
    return this.disconnect();
  }

  /**
   * Adds a listener called for every incoming event, with the event name first.
   * @example
   * socket.onAny((event, ...args) => console.log(event, args));
   */
  onAny(listener: AnyListener): this {
    this.#any.add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAny}, called before the other catch-all listeners. @example socket.prependAny(log); */
  prependAny(listener: AnyListener): this {
    this.#any.add(listener, true);
    return this;
  }

  /** Removes a catch-all listener, or all of them. @example socket.offAny(log); */
  offAny(listener?: AnyListener): this {
    this.#any.remove(listener);
    return this;
  }

  /** The catch-all listeners. @example socket.listenersAny().length; */
  listenersAny(): AnyListener[] {
    return this.#any.all();
  }

  /**
   * Adds a listener called for every outgoing event (when it is written, not when buffered).
   * @example
   * socket.onAnyOutgoing((event, ...args) => console.log("sent", event));
   */
  onAnyOutgoing(listener: AnyListener): this {
    this.#anyOutgoing.add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAnyOutgoing}, called first. @example socket.prependAnyOutgoing(log); */
  prependAnyOutgoing(listener: AnyListener): this {
    this.#anyOutgoing.add(listener, true);
    return this;
  }

  /** Removes an outgoing catch-all listener, or all of them. @example socket.offAnyOutgoing(log); */
  offAnyOutgoing(listener?: AnyListener): this {
    this.#anyOutgoing.remove(listener);
    return this;
  }

  /** The outgoing catch-all listeners. @example socket.listenersAnyOutgoing().length; */
  listenersAnyOutgoing(): AnyListener[] {
    return this.#anyOutgoing.all();
  }

  /** Sends one queued (retried) emit. */
  #emitFromQueue(args: unknown[], flags: Flags): boolean {
    if (!this.connected) return false;
    this.flags = flags;
    (this.emit as (ev: string, ...a: unknown[]) => this)(...(args as [string, ...unknown[]]));
    return true;
  }
}
