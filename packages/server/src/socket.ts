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
import { guard, guarded, unguard } from "./guard.js";
import { generateId } from "./ids.js";
import { runChain, type ChainFn } from "./middleware.js";
import { settle } from "./settle.js";
import type { Namespace } from "./namespace.js";
import { RECOVERABLE_DISCONNECT_REASONS, RESERVED_EVENTS, type DisconnectReason } from "./reasons.js";
import type { Server } from "./server.js";
import type { Event, SocketReservedEventsMap } from "./typed-events.js";

const debug = debugModule("socket.io:socket");

const NO_FLAGS: BroadcastFlags = Object.freeze({});
const DEFAULT_WRITE: WriteFlags = Object.freeze({ compress: true });

type Ack = (...args: any[]) => void;

/**
 * One client connected to one namespace. Its `id` is random and distinct from the Engine.IO id,
 * which stays private (PROTOCOL.md §2.4).
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
  /** The socket id, also the name of the room the socket is always in. */
  readonly id: SocketId;
  /** The request details of the connection. */
  readonly handshake: Handshake;
  /** Arbitrary data, synchronised by `fetchSockets()` and kept by connection state recovery. */
  data: SocketData = {} as SocketData;
  /** Whether the socket is currently connected to its namespace. */
  connected = false;
  /** Whether this connection restored a previous session (connection state recovery). */
  readonly recovered: boolean = false;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client;
  readonly #pid: PrivateSessionId | undefined;
  readonly #acks = new Map<number, Ack>();
  #fns: ((event: Event, next: (err?: Error) => void) => void)[] | undefined;
  #flags: BroadcastFlags = NO_FLAGS;
  #any: AnyListeners | undefined;
  #anyOutgoing: AnyListeners | undefined;
  #cleanedUp = false;

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
    const conn = client.conn;
    this.handshake = buildHandshake(conn.request, conn.remoteAddress, auth);
    if (previous !== undefined) {
      this.id = previous.sid;
      this.#pid = previous.pid;
      settle(this.adapter.addAll(this.id, new Set(previous.rooms)));
      this.data = previous.data as SocketData;
      // Missed packets go out before the CONNECT reply (PROTOCOL.md §2.9, point 4).
      for (const data of previous.missedPackets) this.#packet({ type: PacketType.EVENT, nsp: nsp.name, data });
      this.recovered = true;
    } else {
      this.id = generateId();
      if (nsp.server._recovery !== undefined) this.#pid = generateId();
    }
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
    return super.on(ev, guard(listener) as never);
  }

  override addListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.addListener(ev, guard(listener) as never);
  }

  override prependListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.prependListener(ev, guard(listener) as never);
  }

  override once<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.once(ev, guard(listener) as never);
  }

  override prependOnceListener<Ev extends ReservedOrUserEventNames<SocketReservedEventsMap, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<SocketReservedEventsMap, ListenEvents, Ev>,
  ): this {
    return super.prependOnceListener(ev, guard(listener) as never);
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
    const flags = this.#flags;
    this.#flags = NO_FLAGS;
    const last = data[data.length - 1];
    if (typeof last === "function") {
      data.pop();
      const id = this.nsp.nextAckId();
      packet.id = id;
      this.#registerAck(id, last as Ack, flags.timeout);
    } else if (this.nsp.server._recovery !== undefined && flags.volatile !== true) {
      // With recovery on, plain emits go through the adapter so they get an offset (PROTOCOL.md §2.9).
      this.adapter.broadcast(packet, { rooms: new Set([this.id]), except: new Set(), flags });
      return true;
    }
    this.#notifyOutgoing(data);
    this.#packet(packet, flags);
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
    const withErr = this.#flags.timeout !== undefined;
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
    if (this.#cleanedUp) return;
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
    return this.#operator().to(room);
  }

  /** Alias of {@link Socket.to}. */
  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().in(room);
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
    return this.#operator().except(room);
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
    return this.#operator();
  }

  /** Only this node (cluster adapters do not forward the next broadcast). */
  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().local;
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
      this.#packet({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
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
    (this.#fns ??= []).push(fn);
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
    (this.#any ??= new AnyListeners()).add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAny}, called before the other catch-all listeners. */
  prependAny(listener: (...args: any[]) => void): this {
    (this.#any ??= new AnyListeners()).add(listener, true);
    return this;
  }

  /** Remove a catch-all listener, or all of them. */
  offAny(listener?: (...args: any[]) => void): this {
    this.#any?.remove(listener);
    return this;
  }

  /** The catch-all listeners. */
  listenersAny(): ((...args: any[]) => void)[] {
    return this.#any?.list() ?? [];
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
    (this.#anyOutgoing ??= new AnyListeners()).add(listener, false);
    return this;
  }

  /** Like {@link Socket.onAnyOutgoing}, called before the other outgoing catch-all listeners. */
  prependAnyOutgoing(listener: (...args: any[]) => void): this {
    (this.#anyOutgoing ??= new AnyListeners()).add(listener, true);
    return this;
  }

  /** Remove an outgoing catch-all listener, or all of them. */
  offAnyOutgoing(listener?: (...args: any[]) => void): this {
    this.#anyOutgoing?.remove(listener);
    return this;
  }

  /** The outgoing catch-all listeners. */
  listenersAnyOutgoing(): ((...args: any[]) => void)[] {
    return this.#anyOutgoing?.list() ?? [];
  }

  // ---- host interface of the adapter (AdapterSocket) ----

  /** Adapter host interface (AdapterSocket): write a packet the adapter prepared once for many recipients. */
  deliver(packet: Packet, prepared: unknown, flags: WriteFlags): void {
    if (this.#anyOutgoing !== undefined) this.#notifyOutgoing(packet.data as unknown[]);
    this.client._writePrepared(prepared as unknown[], flags);
  }

  /** Adapter host interface (AdapterSocket): the adapter registers a broadcast's ack for this socket. */
  registerAck(id: number, ack: (...args: unknown[]) => void): void {
    this.#acks.set(id, ack);
  }

  // ---- lifecycle, driven by Namespace and Client ----

  /** @internal */
  get _pid(): PrivateSessionId | undefined {
    return this.#pid;
  }

  /** @internal Joined: own room, CONNECT reply. */
  _onconnect(): void {
    this.connected = true;
    settle(this.join(this.id));
    const data = this.#pid === undefined ? { sid: this.id } : { sid: this.id, pid: this.#pid };
    this.#packet({ type: PacketType.CONNECT, nsp: this.nsp.name, data });
  }

  /** @internal Refused by a middleware: CONNECT_ERROR with `{message, data}`. */
  _error(err: { message: string; data?: unknown }): void {
    const data = err.data === undefined ? { message: err.message } : { message: err.message, data: err.data };
    this.#packet({ type: PacketType.CONNECT_ERROR, nsp: this.nsp.name, data });
  }

  /** @internal A packet for this namespace. */
  _onpacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.#onevent(packet);
        return;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.#onack(packet);
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
    this.#safeEmit("disconnecting", reason, description);
    const recovery = this.nsp.server._recovery;
    if (recovery !== undefined && this.#pid !== undefined && RECOVERABLE_DISCONNECT_REASONS.has(reason)) {
      settle(this.adapter.persistSession({ sid: this.id, pid: this.#pid, rooms: [...this.rooms], data: this.data }));
    }
    this._cleanup();
    this.connected = false;
    this.#acks.clear();
    this.#safeEmit("disconnect", reason, description);
    return this;
  }

  /** @internal Forget the socket everywhere (also used when a middleware refuses it). */
  _cleanup(): void {
    this.#cleanedUp = true;
    this.adapter.delAll(this.id);
    this.nsp._remove(this);
    this.client._remove(this);
  }

  // ---- private ----

  #packet(packet: Packet, flags: BroadcastFlags = NO_FLAGS): void {
    const opts = flags === NO_FLAGS ? DEFAULT_WRITE : { volatile: flags.volatile === true, compress: flags.compress !== false };
    this.client._packet(packet, opts);
  }

  #onevent(packet: Packet): void {
    const args = packet.data as unknown[];
    if (packet.id !== undefined) args.push(this.#ack(packet.id));
    if (this.#any !== undefined) this.#any.call(this, args);
    if (this.#fns === undefined) {
      this.#dispatch(args);
      return;
    }
    this.#runMiddlewares(args as Event);
  }

  #dispatch(args: unknown[]): void {
    if (!this.connected) return;
    try {
      // Decoded args are ours alone: drop the event name in place instead of copying the rest.
      const ev = args.shift() as string;
      this.emitArgs(ev, args);
    } catch (err) {
      this._onerror(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #runMiddlewares(event: Event): void {
    runChain(this.#fns as ChainFn<Event>[], this, event, (err) => {
      if (err === undefined) this.#dispatch(event);
      else this._onerror(err instanceof Error ? err : new Error(String(err)));
    });
  }

  /** The callback handed to a listener whose event asked for an acknowledgement. */
  #ack(id: number): Ack {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: PacketType.ACK, nsp: this.nsp.name, id, data: args });
    };
  }

  #onack(packet: Packet): void {
    const id = packet.id;
    if (id === undefined) return;
    const ack = this.#acks.get(id);
    if (ack === undefined) return; // unknown or duplicate ack id: ignored (PROTOCOL.md §2.5)
    this.#acks.delete(id);
    try {
      ack.apply(this, Array.isArray(packet.data) ? packet.data : []);
    } catch (err) {
      this._onerror(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #registerAck(id: number, ack: Ack, timeout: number | undefined): void {
    if (timeout === undefined) {
      this.#acks.set(id, ack);
      return;
    }
    const timer = setTimeout(() => {
      this.#acks.delete(id);
      ack.call(this, new AckTimeoutError());
    }, timeout);
    this.#acks.set(id, (...args: unknown[]) => {
      clearTimeout(timer);
      ack.call(this, null, ...args);
    });
  }

  #notifyOutgoing(data: unknown[]): void {
    if (this.#anyOutgoing !== undefined) this.#anyOutgoing.call(this, data);
  }

  #setFlag<K extends keyof BroadcastFlags>(key: K, value: BroadcastFlags[K]): void {
    if (this.#flags === NO_FLAGS) this.#flags = {};
    this.#flags[key] = value;
  }

  #operator(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    const flags = this.#flags;
    this.#flags = NO_FLAGS;
    return new BroadcastOperator(this.adapter, new Set(), new Set([this.id]), flags === NO_FLAGS ? {} : { ...flags });
  }

  #safeEmit(ev: "disconnecting" | "disconnect", reason: string, description: unknown): void {
    try {
      this.emitReserved(ev, reason as DisconnectReason, description);
    } catch (err) {
      console.error(err);
    }
  }
}
