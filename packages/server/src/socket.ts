/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import type { Adapter, BroadcastFlags, PrivateSessionId, Room, Session, SocketId, WriteFlags } from "@switchboard/adapter";
import {
  Emitter,
  type AllButLast,
  type DecorateAcknowledgements,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type ReservedOrUserEventNames,
  type ReservedOrUserListener,
} from "@switchboard/emitter";
import { PacketType, type Packet } from "@switchboard/parser";
import debugModule from "debug";
import type { IncomingMessage } from "node:http";
import { AnyListeners } from "./any-listeners.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import type { EngineConnection } from "./contracts.js";
import { AckTimeoutError, ReservedEventError } from "./errors.js";
import { buildHandshake, type Handshake } from "./handshake.js";
import { guardAsync, guarded, unguard } from "./guard.js";
import { generateId } from "./ids.js";
import { reportAckTimeout } from "./instrumentation.js";
import { runChain, type ChainFn } from "./middleware.js";
import { addAck, EXPIRE, type Ack } from "./pending-acks.js";
import { settle } from "./settle.js";
import type { Namespace } from "./namespace.js";
import { RECOVERABLE_DISCONNECT_REASONS, RESERVED_EVENTS, type DisconnectReason } from "./reasons.js";
import type { Server } from "./server.js";
import type { Event, SocketReservedEventsMap } from "./typed-events.js";

const debug = debugModule("socket.io:socket");

const NO_FLAGS: BroadcastFlags = Object.freeze({});
/** Socket#bits */
const RECOVERED = 1;
const CLEANED_UP = 2;
const CONNECTED = 4;
/** The state of a socket that most sockets never need (one object instead of seven fields each). */
class SocketExtras<SocketData> {
  data: SocketData | undefined;
  handshake: Handshake | undefined;
  /** The CONNECT auth, when one was sent (until the handshake is built). */
  auth: Record<string, unknown> | undefined;
  /** Private session id (connection state recovery). */
  pid: PrivateSessionId | undefined;
  fns: ((event: Event, next: (err?: Error) => void) => void)[] | undefined;
  any: AnyListeners | undefined;
  anyOutgoing: AnyListeners | undefined;
  /** Flags for the next emit (`volatile`, `compress`, `timeout()`…); NO_FLAGS when none. */
  flags: BroadcastFlags = NO_FLAGS;
  /** Acks awaited from the client, by packet id (server-side `emit` with a callback). */
  acks: Map<number, Ack> | undefined;
}

/** Creation times are stored relative to this, so they fit a small integer for 24 days. */
const HANDSHAKE_EPOCH = Date.now();

const DEFAULT_WRITE: WriteFlags = Object.freeze({ compress: true });

/**
 * One client connected to one namespace. Its `id` is random and distinct from the Engine.IO id,
 * which stays private (docs/protocol.md §2.4).
 *
 * @example
 * ```ts
 * io.on("connection", (socket) => {
 *   socket.emit("hello", "world");
 *   socket.on("ping", (cb) => cb("pong"));
 * });
 * ```
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Emitter<ListenEvents, EmitEvents, SocketReservedEventsMap> {
  // One per connection and namespace, so its fields are kept to what an idle socket needs: the
  // handshake object, `data`, the ack table and the catch-all lists are created on first use.

  /** The socket id, also the name of the room the socket is always in. */
  readonly id: SocketId;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client;
  /** What most sockets never need, in one object created on first use. */
  #more: SocketExtras<SocketData> | undefined;
  /** When the socket was created, in ms since HANDSHAKE_EPOCH (a small integer, not a boxed double). */
  readonly #issued: number;
  #bits = 0;

  /** @internal */
  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client,
    auth: Record<string, unknown>,
    previous?: Session,
  ) {
    super();
    this.nsp = nsp;
    this.client = client;
    // `| 0` makes it a small integer (a subtraction of two doubles would be boxed: 16 B per socket).
    const issued = Date.now() - HANDSHAKE_EPOCH;
    this.#issued = issued < 0x3fffffff ? issued | 0 : issued;
    // An empty auth (no CONNECT payload) is only materialised if the handshake is read.
    for (const _ in auth) {
      this._extras().auth = auth;
      break;
    }
    if (previous !== undefined) {
      this.id = previous.sid;
      this._extras().pid = previous.pid;
      settle(this.adapter.addAll(this.id, new Set(previous.rooms)));
      this._extras().data = previous.data as SocketData;
      // Missed packets go out before the CONNECT reply (docs/protocol.md §2.9, point 4).
      for (const data of previous.missedPackets) this._writePacket({ type: PacketType.EVENT, nsp: nsp.name, data });
      this.#bits |= RECOVERED;
    } else {
      this.id = generateId();
      if (nsp.server._recovery !== undefined) this._extras().pid = generateId();
    }
  }

  /** The request details of the connection (built on first access). */
  get handshake(): Handshake {
    const more = this._extras();
    if (more.handshake !== undefined) return more.handshake;
    const conn = this.client.conn;
    more.handshake = buildHandshake(conn.request, conn.remoteAddress, more.auth ?? {}, this.#issued + HANDSHAKE_EPOCH);
    more.auth = undefined;
    return more.handshake;
  }

  /** Arbitrary data, synchronised by `fetchSockets()` and kept by connection state recovery. */
  get data(): SocketData {
    return (this._extras().data ??= {} as SocketData);
  }

  set data(value: SocketData) {
    this._extras().data = value;
  }

  /** Whether the socket is currently connected to its namespace. */
  get connected(): boolean {
    return (this.#bits & CONNECTED) !== 0;
  }

  set connected(value: boolean) {
    this.#bits = value ? this.#bits | CONNECTED : this.#bits & ~CONNECTED;
  }

  /** Whether this connection restored a previous session (connection state recovery). */
  get recovered(): boolean {
    return (this.#bits & RECOVERED) !== 0;
  }

  /** The server this socket belongs to. */
  get server(): Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    return this.nsp.server;
  }

  /** The adapter of the namespace. */
  get adapter(): Adapter {
    return this.nsp.adapter;
  }

  /** The Engine.IO connection (`conn.transport.name`, `conn.on("upgrade")`, …). */
  get conn(): EngineConnection {
    return this.client.conn;
  }

  /** The HTTP request of the connection. */
  get request(): IncomingMessage {
    return this.client.conn.request;
  }

  /** The rooms the socket is in; always contains its own id while connected. */
  get rooms(): Set<Room> {
    return this.adapter.socketRooms(this.id) ?? new Set();
  }

  /** Whether the socket is disconnected. */
  get disconnected(): boolean {
    return !this.connected;
  }

  // Listener registration: async listeners are guarded so their rejections are reported, not unhandled.

  override on<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.on(ev, guardAsync(listener) as never);
  }

  override addListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.addListener(ev, guardAsync(listener) as never);
  }

  override prependListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.prependListener(ev, guardAsync(listener) as never);
  }

  override once<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.once(ev, guardAsync(listener) as never);
  }

  override prependOnceListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.prependOnceListener(ev, guardAsync(listener) as never);
  }

  override off<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.off(ev, guarded(listener) as never);
  }

  override removeListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.off(ev, guarded(listener) as never);
  }

  override listeners<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
  ): ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>[] {
    return super.listeners(ev).map(unguard) as never;
  }

  /**
   * Emit an event to this client; a function as last argument receives the acknowledgement.
   *
   * @example
   * ```ts
   * socket.emit("hello", "world", (answer) => console.log(answer));
   * ```
   */
  override emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    if (RESERVED_EVENTS.has(ev as string)) throw new ReservedEventError(String(ev));
    const data: unknown[] = [ev, ...args];
    const packet: Packet = { type: PacketType.EVENT, nsp: this.nsp.name, data };
    const flags = this._takeFlags();
    const last = data[data.length - 1];
    if (typeof last === "function") {
      data.pop();
      const id = this.nsp.nextAckId();
      packet.id = id;
      this._registerAck(id, last as Ack, flags.timeout);
    } else if (this.nsp.server._recovery !== undefined && flags.volatile !== true) {
      // With recovery on, plain emits go through the adapter so they get an offset (docs/protocol.md §2.9).
      this.adapter.broadcast(packet, { rooms: new Set([this.id]), except: new Set(), flags });
      return true;
    }
    this._notifyOutgoing(data);
    this._writePacket(packet, flags);
    return true;
  }

  /**
   * Emit an event and resolve with the client's acknowledgement (rejects on `timeout()` expiry).
   *
   * @example
   * ```ts
   * const answer = await socket.timeout(1000).emitWithAck("question", 42);
   * ```
   */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    const withErr = (this.#more?.flags ?? NO_FLAGS).timeout !== undefined;
    return new Promise((resolve, reject) => {
      const ack = withErr
        ? (err: unknown, value: unknown) => (err ? reject(err as Error) : resolve(value as never))
        : (value: unknown) => resolve(value as never);
      (this.emit as (ev: unknown, ...a: unknown[]) => boolean)(ev, ...args, ack);
    });
  }

  /**
   * Send a `message` event.
   *
   * @example
   * ```ts
   * socket.send("hello");
   * ```
   */
  send(...args: EventParams<EmitEvents, "message">): this {
    (this.emit as (ev: string, ...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  /** Alias of {@link Socket.send}. */
  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /**
   * Join one or several rooms.
   *
   * @example
   * ```ts
   * socket.join(["room1", "room2"]);
   * ```
   */
  join(rooms: Room | Room[]): Promise<void> | void {
    // After cleanup the adapter must not learn about this socket again (it would never be removed).
    if ((this.#bits & CLEANED_UP) !== 0) return;
    return this.adapter.addAll(this.id, new Set(Array.isArray(rooms) ? rooms : [rooms]));
  }

  /**
   * Leave a room.
   *
   * @example
   * ```ts
   * socket.leave("room1");
   * ```
   */
  leave(room: Room): Promise<void> | void {
    return this.adapter.del(this.id, room);
  }

  /**
   * Target a room (or rooms) for the next emit, excluding this socket.
   *
   * @example
   * ```ts
   * socket.to("room1").emit("news", "only for the others in room1");
   * ```
   */
  to(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().to(room);
  }

  /** Alias of {@link Socket.to}. */
  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().in(room);
  }

  /**
   * Exclude a room (or rooms) from the next broadcast, and this socket.
   *
   * @example
   * ```ts
   * socket.except("room1").emit("news"); // everyone but room1 and the sender
   * ```
   */
  except(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().except(room);
  }

  /**
   * Every socket of the namespace but this one.
   *
   * @example
   * ```ts
   * socket.broadcast.emit("user joined", socket.id);
   * ```
   */
  get broadcast(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator();
  }

  /** Only this node (cluster adapters do not forward the next broadcast). */
  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().local;
  }

  /**
   * Drop the next packet if the transport cannot take it right now.
   *
   * @example
   * ```ts
   * socket.volatile.emit("position", x, y);
   * ```
   */
  get volatile(): this {
    this.#setFlag("volatile", true);
    return this;
  }

  /**
   * Whether to compress the next packet (default true).
   *
   * @example
   * ```ts
   * socket.compress(false).emit("raw", bytes);
   * ```
   */
  compress(compress: boolean): this {
    this.#setFlag("compress", compress);
    return this;
  }

  /**
   * Fail the next acknowledgement with `operation has timed out` after `timeout` ms.
   *
   * @example
   * ```ts
   * socket.timeout(5000).emit("ask", (err, answer) => {});
   * ```
   */
  timeout(timeout: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    this.#setFlag("timeout", timeout);
    return this as never;
  }

  /**
   * Disconnect from this namespace; with `close` true, close the whole underlying connection.
   *
   * @example
   * ```ts
   * socket.disconnect(true);
   * ```
   */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client._disconnect();
    } else {
      this._writePacket({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
      this._onclose("server namespace disconnect");
    }
    return this;
  }

  /**
   * Register a middleware run on every incoming event; `next(err)` drops the event and emits
   * `error` on the socket.
   *
   * @example
   * ```ts
   * socket.use(([event, ...args], next) => (event === "forbidden" ? next(new Error("no")) : next()));
   * ```
   */
  use(fn: (event: Event, next: (err?: Error) => void) => void): this {
    (this._extras().fns ??= []).push(fn);
    return this;
  }

  /**
   * Listen to every incoming event.
   *
   * @example
   * ```ts
   * socket.onAny((event, ...args) => console.log(event, args));
   * ```
   */
  onAny(listener: (...args: any[]) => void): this {
    (this._extras().any ??= new AnyListeners()).add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAny}, called before the other catch-all listeners. */
  prependAny(listener: (...args: any[]) => void): this {
    (this._extras().any ??= new AnyListeners()).add(listener, true);
    return this;
  }

  /** Remove a catch-all listener, or all of them. */
  offAny(listener?: (...args: any[]) => void): this {
    this.#more?.any?.remove(listener);
    return this;
  }

  /** The catch-all listeners. */
  listenersAny(): ((...args: any[]) => void)[] {
    return this.#more?.any?.list() ?? [];
  }

  /**
   * Listen to every outgoing event (including broadcasts reaching this socket).
   *
   * @example
   * ```ts
   * socket.onAnyOutgoing((event, ...args) => console.log("sent", event));
   * ```
   */
  onAnyOutgoing(listener: (...args: any[]) => void): this {
    (this._extras().anyOutgoing ??= new AnyListeners()).add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAnyOutgoing}, called before the other outgoing catch-all listeners. */
  prependAnyOutgoing(listener: (...args: any[]) => void): this {
    (this._extras().anyOutgoing ??= new AnyListeners()).add(listener, true);
    return this;
  }

  /** Remove an outgoing catch-all listener, or all of them. */
  offAnyOutgoing(listener?: (...args: any[]) => void): this {
    this.#more?.anyOutgoing?.remove(listener);
    return this;
  }

  /** The outgoing catch-all listeners. */
  listenersAnyOutgoing(): ((...args: any[]) => void)[] {
    return this.#more?.anyOutgoing?.list() ?? [];
  }

  // ---- host interface of the adapter (AdapterSocket) ----

  /** Adapter host interface (AdapterSocket): write a packet the adapter prepared once for many recipients. */
  deliver(packet: Packet, prepared: unknown, flags: WriteFlags): void {
    if (this.#more?.anyOutgoing !== undefined) this._notifyOutgoing(packet.data as unknown[]);
    this.client._writePrepared(prepared as unknown[], flags);
  }

  /** Adapter host interface (AdapterSocket): the adapter registers a broadcast's ack for this socket. */
  registerAck(id: number, ack: (...args: unknown[]) => void): void {
    addAck((this._extras().acks ??= new Map()), id, ack, this.nsp.server._limits.pendingAcks);
  }

  // ---- lifecycle, driven by Namespace and Client ----

  /** @internal */
  get _pid(): PrivateSessionId | undefined {
    return this.#more?.pid;
  }

  /** @internal Joined: own room, CONNECT reply. */
  _onconnect(): void {
    this.connected = true;
    settle(this.join(this.id));
    const pid = this.#more?.pid;
    const data = pid === undefined ? { sid: this.id } : { sid: this.id, pid };
    this._writePacket({ type: PacketType.CONNECT, nsp: this.nsp.name, data });
  }

  /** @internal Refused by a middleware: CONNECT_ERROR with `{message, data}`. */
  _error(err: { message: string; data?: unknown }): void {
    const data = err.data === undefined ? { message: err.message } : { message: err.message, data: err.data };
    this._writePacket({ type: PacketType.CONNECT_ERROR, nsp: this.nsp.name, data });
  }

  /** @internal A packet for this namespace. */
  _onpacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this._onevent(packet);
        return;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this._onack(packet);
        return;
      case PacketType.DISCONNECT:
        this._onclose("client namespace disconnect");
        return;
      default:
        // A CONNECT for a joined namespace is handled by the client (it closes the connection).
        return;
    }
  }

  /** @internal An error on the connection: reported on the socket, or on the console without listener. */
  _onerror(err: Error): void {
    if (this.hasListeners("error")) {
      try {
        this.emitReserved("error", err);
      } catch (e) {
        console.error(e);
      }
    } else {
      debug("missing error handler on socket %s", this.id);
      console.error("Missing error handler on `socket`.");
      console.error(err.stack);
    }
  }

  /** @internal Leave the namespace: `disconnecting` (rooms intact), cleanup, `disconnect`. */
  _onclose(reason: DisconnectReason | string, description?: unknown): this {
    if (!this.connected) return this;
    debug("closing socket %s - reason %s", this.id, reason);
    this._safeEmit("disconnecting", reason, description);
    const recovery = this.nsp.server._recovery;
    const pid = this.#more?.pid;
    if (recovery !== undefined && pid !== undefined && RECOVERABLE_DISCONNECT_REASONS.has(reason)) {
      settle(this.adapter.persistSession({ sid: this.id, pid, rooms: [...this.rooms], data: this.data }));
    }
    this._cleanup();
    this.connected = false;
    if (this.#more !== undefined) this.#more.acks = undefined;
    this._safeEmit("disconnect", reason, description);
    return this;
  }

  /** @internal Forget the socket everywhere (also used when a middleware refuses it). */
  _cleanup(): void {
    this.#bits |= CLEANED_UP;
    this.adapter.delAll(this.id);
    this.nsp._remove(this);
    this.client._remove(this);
  }

  // ---- private ----

  /** @internal */ private _writePacket(packet: Packet, flags: BroadcastFlags = NO_FLAGS): void {
    const opts = flags === NO_FLAGS ? DEFAULT_WRITE : { volatile: flags.volatile === true, compress: flags.compress !== false };
    this.client._packet(packet, opts);
  }

  /** @internal */ private _onevent(packet: Packet): void {
    const args = packet.data as unknown[];
    if (packet.id !== undefined) args.push(this._ack(packet.id));
    const more = this.#more;
    if (more?.any !== undefined) more.any.call(this, args);
    if (more?.fns === undefined) {
      this._dispatch(args);
      return;
    }
    this._runMiddlewares(args as Event);
  }

  /** @internal */ private _dispatch(args: unknown[]): void {
    if (!this.connected) return;
    try {
      // Decoded args are ours alone: drop the event name in place instead of copying the rest.
      const ev = args.shift() as string;
      this.emitArgs(ev, args);
    } catch (err) {
      this._onerror(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** @internal */ private _runMiddlewares(event: Event): void {
    runChain(this.#more!.fns as ChainFn<Event>[], this, event, (err) => {
      if (err === undefined) this._dispatch(event);
      else this._onerror(err instanceof Error ? err : new Error(String(err)));
    });
  }

  /** @internal The callback handed to a listener whose event asked for an acknowledgement. */
  private _ack(id: number): Ack {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this._writePacket({ type: PacketType.ACK, nsp: this.nsp.name, id, data: args });
    };
  }

  /** @internal */ private _onack(packet: Packet): void {
    const id = packet.id;
    if (id === undefined) return;
    const acks = this.#more?.acks;
    const ack = acks?.get(id);
    if (ack === undefined) return; // unknown or duplicate ack id: ignored (docs/protocol.md §2.5)
    acks!.delete(id);
    try {
      ack.apply(this, Array.isArray(packet.data) ? packet.data : []);
    } catch (err) {
      this._onerror(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** @internal */ private _registerAck(id: number, ack: Ack, timeout: number | undefined): void {
    const acks = (this._extras().acks ??= new Map());
    const max = this.nsp.server._limits.pendingAcks;
    if (timeout === undefined) {
      addAck(acks, id, ack, max);
      return;
    }
    // Fired by the timer, or at once when maxPendingAcks evicts this ack: the same error either way.
    const expire = (): void => {
      clearTimeout(timer);
      this.#more?.acks?.delete(id);
      reportAckTimeout(this.nsp, false);
      try {
        ack.call(this, new AckTimeoutError());
      } catch (err) {
        this._onerror(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const timer = setTimeout(expire, timeout);
    const pending: Ack = (...args: unknown[]) => {
      clearTimeout(timer);
      ack.call(this, null, ...args);
    };
    pending[EXPIRE] = expire;
    addAck(acks, id, pending, max);
  }

  /** @internal */ private _notifyOutgoing(data: unknown[]): void {
    const outgoing = this.#more?.anyOutgoing;
    if (outgoing !== undefined) outgoing.call(this, data);
  }

  /** @internal The flags set for the next emit (`volatile`, `timeout()`…), cleared. */
  private _takeFlags(): BroadcastFlags {
    const more = this.#more;
    if (more === undefined || more.flags === NO_FLAGS) return NO_FLAGS;
    const flags = more.flags;
    more.flags = NO_FLAGS;
    return flags;
  }

  /** @internal */ private _extras(): SocketExtras<SocketData> {
    return (this.#more ??= new SocketExtras());
  }

  #setFlag<K extends keyof BroadcastFlags>(key: K, value: BroadcastFlags[K]): void {
    const more = this._extras();
    if (more.flags === NO_FLAGS) more.flags = {};
    more.flags[key] = value;
  }

  /** @internal */ private _operator(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    const flags = this._takeFlags();
    return new BroadcastOperator(this.adapter, new Set(), new Set([this.id]), flags === NO_FLAGS ? {} : { ...flags });
  }

  /** @internal */ private _safeEmit(ev: "disconnecting" | "disconnect", reason: string, description: unknown): void {
    try {
      this.emitReserved(ev, reason as DisconnectReason, description);
    } catch (err) {
      console.error(err);
    }
  }
}
