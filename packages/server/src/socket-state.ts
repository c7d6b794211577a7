/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
// The state of a Socket and the API that only reads or sets it: lazy extras, request details, the flags of the
// next emit, catch-all listeners, event middlewares, and the listener hooks. socket.ts builds the protocol on it.
import type {
  Adapter,
  BroadcastFlags,
  DurableSessionHooks,
  PrivateSessionId,
  Room,
  SocketId,
} from "@switchboard/adapter";
import {
  Emitter,
  type DecorateAcknowledgements,
  type DefaultEventsMap,
  type EventName,
  type EventsMap,
  type Listener,
} from "@switchboard/emitter";
import type { IncomingMessage } from "node:http";
import { AnyListeners } from "./any-listeners.js";
import type { Client } from "./client.js";
import type { EngineConnection } from "./contracts.js";
import { guardAsync, unguard } from "./guard.js";
import { buildHandshake, type Handshake } from "./handshake.js";
import type { Namespace } from "./namespace.js";
import { leaveAllRooms, roomsOf } from "./rooms.js";
import type { Server } from "./server.js";
import type { Ack } from "./socket-acks.js";
import type { Socket } from "./socket.js";
import type { Event, SocketReservedEventsMap } from "./typed-events.js";

/** @internal No flags set for the next emit (shared, never mutated). */
export const NO_FLAGS: BroadcastFlags = Object.freeze({});

/** The state of a socket that most sockets never need (one object instead of seven fields each). @internal */
export class SocketExtras<SocketData> {
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

/** SocketState#bits */
const RECOVERED = 1;
const CLEANED_UP = 2;
const CONNECTED = 4;

/**
 * The base of {@link Socket}: its state and the API over it. Not exported from the package.
 * One per connection and namespace, so its fields are kept to what an idle socket needs: the handshake
 * object, `data`, the ack table and the catch-all lists are created on first use.
 */
export class SocketState<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Emitter<ListenEvents, EmitEvents, SocketReservedEventsMap> {
  /** The socket id, also the name of the room the socket is always in. */
  readonly id: SocketId;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client;
  /** What most sockets never need, in one object created on first use. */
  #more: SocketExtras<SocketData> | undefined;
  /** When the socket was created, in ms since HANDSHAKE_EPOCH (a small integer, not a boxed double). */
  readonly #issued: number;
  #bits = 0;

  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client,
    auth: Record<string, unknown>,
    id: SocketId,
  ) {
    super();
    this.nsp = nsp;
    this.client = client;
    this.id = id;
    // `| 0` makes it a small integer (a subtraction of two doubles would be boxed: 16 B per socket).
    const issued = Date.now() - HANDSHAKE_EPOCH;
    this.#issued = issued < 0x3fffffff ? issued | 0 : issued;
    // An empty auth (no CONNECT payload) is only materialised if the handshake is read.
    for (const _ in auth) {
      this._extras().auth = auth;
      break;
    }
  }

  /** The request details of the connection (built on first access). */
  get handshake(): Handshake {
    const more = this._extras();
    if (more.handshake !== undefined) return more.handshake;
    const conn = this.client.conn;
    more.handshake = buildHandshake(
      conn.request,
      conn.remoteAddress,
      more.auth ?? {},
      this.#issued + HANDSHAKE_EPOCH,
    );
    more.auth = undefined;
    return more.handshake;
  }

  /** Arbitrary data, synchronised by `fetchSockets()` and kept by connection state recovery. */
  get data(): SocketData {
    return (this._extras().data ??= {} as SocketData);
  }

  set data(value: SocketData) {
    this._extras().data = value;
    // Adapters that keep sessions durable (across nodes) save the new value; nested mutations are saved later.
    (this.nsp.adapter as Partial<DurableSessionHooks> | undefined)?.sessionChanged?.(this.id);
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
    return roomsOf(this.adapter, this.id);
  }

  /** @internal The acks awaited from the client, by packet id (socket.io's private `acks`, which tools read). */
  get acks(): Map<number, Ack> {
    return (this._extras().acks ??= new Map());
  }

  /** @internal Leave every room, the own one included (socket.io's private `leaveAll()`, which tools call). */
  leaveAll(): void {
    leaveAllRooms(this as unknown as Socket);
  }

  /** Whether the socket is disconnected. */
  get disconnected(): boolean {
    return !this.connected;
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
    this._setFlag("volatile", true);
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
    this._setFlag("compress", compress);
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
  timeout(
    timeout: number,
  ): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    this._setFlag("timeout", timeout);
    return this as never;
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

  /** Like {@link SocketState.onAny}, called before the other catch-all listeners. */
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

  /** Like {@link SocketState.onAnyOutgoing}, called before the other outgoing catch-all listeners. */
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

  // Async listeners are guarded so their rejections are reported (through `_onerror`), not unhandled.
  protected override wrapListener(_ev: EventName, listener: Listener): Listener {
    return guardAsync(listener);
  }

  protected override unwrapListener(stored: Listener): Listener {
    return unguard(stored);
  }

  // ---- internal state access, for socket.ts ----

  /** @internal The extras when created (`undefined` for most sockets). */
  get _more(): SocketExtras<SocketData> | undefined {
    return this.#more;
  }

  /** @internal The extras, created on first use. */
  _extras(): SocketExtras<SocketData> {
    return (this.#more ??= new SocketExtras());
  }

  /** @internal */
  get _cleanedUp(): boolean {
    return (this.#bits & CLEANED_UP) !== 0;
  }

  /** @internal */
  _markCleanedUp(): void {
    this.#bits |= CLEANED_UP;
  }

  /** @internal Forget the awaited ack `id` (a broadcast sent with `timeout()` expired). */
  _dropAck(id: number): void {
    this.#more?.acks?.delete(id);
  }

  /** @internal */
  _markRecovered(): void {
    this.#bits |= RECOVERED;
  }

  /** @internal The flags set for the next emit (`volatile`, `timeout()`…), cleared. */
  _takeFlags(): BroadcastFlags {
    const more = this.#more;
    if (more === undefined || more.flags === NO_FLAGS) return NO_FLAGS;
    const flags = more.flags;
    more.flags = NO_FLAGS;
    return flags;
  }

  /** @internal Tell the outgoing catch-all listeners about `data` (`[event, ...args]`). */
  _notifyOutgoing(data: unknown[]): void {
    const outgoing = this.#more?.anyOutgoing;
    if (outgoing !== undefined) outgoing.call(this, data);
  }

  /** @internal */ private _setFlag<K extends keyof BroadcastFlags>(
    key: K,
    value: BroadcastFlags[K],
  ): void {
    const more = this._extras();
    if (more.flags === NO_FLAGS) more.flags = {};
    more.flags[key] = value;
  }
}
