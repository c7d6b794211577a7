/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import { reportError } from "./report.js";
import type {
  Adapter,
  AdapterNamespace,
  DurableSessionHooks,
  Room,
  SocketId,
} from "@switchboard/adapter";
import type { AnyContract, ServerEmitEvents, ServerListenEvents } from "@switchboard/contract";
import {
  Emitter,
  type AllButLast,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type EventName,
  type Listener,
  type RemoveAcknowledgements,
} from "@switchboard/emitter";
import type { Packet } from "@switchboard/parser";
import { admit, type AdmissionDone } from "./admission.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import { connectionChannel } from "./diagnostics.js";
import type { RemoteSocket } from "./remote-socket.js";
import type { Client } from "./client.js";
import { ReservedEventError } from "./errors.js";
import { guard, unguard } from "./guard.js";
import { RESERVED_EVENTS } from "./reasons.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";
import type { Middleware, NamespaceReservedEventsMap } from "./typed-events.js";

/** Names `serverSideEmit` refuses on top of the reserved ones (docs/protocol.md §2.8). */
const SERVER_SIDE_RESERVED = new Set(["connect", "connection", "new_namespace"]);

/**
 * A communication channel multiplexed over the connections: its own sockets, middlewares, rooms
 * (through its adapter) and events.
 *
 * @example
 * ```ts
 * const admin = io.of("/admin");
 * admin.use((socket, next) => (isAdmin(socket) ? next() : next(new Error("forbidden"))));
 * admin.on("connection", (socket) => socket.emit("welcome"));
 * ```
 */
export class Namespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
>
  extends Emitter<
    ServerSideEvents,
    RemoveAcknowledgements<EmitEvents>,
    NamespaceReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
  >
  implements AdapterNamespace
{
  readonly name: string;
  /** The sockets connected to this namespace on this node, by id. */
  readonly sockets: Map<SocketId, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>> =
    new Map();
  /** @internal Sockets whose CONNECT is in the middlewares (not connected yet), by id: socket.io's, read by tools. */
  readonly _preConnectSockets = new Map<
    SocketId,
    Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
  >();
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  adapter!: Adapter;
  /** @internal connect middlewares */
  _fns: Middleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] = [];
  /** @internal The contract incoming events are validated against (socket-dispatch.ts), if any. */
  _contract: AnyContract | undefined;
  /** @internal The contract emits are validated against: `_contract` unless `validateOutgoing` is false. */
  _emitContract: AnyContract | undefined;
  /** @internal called when the last socket left, or a CONNECT failed, and no other CONNECT is under way */
  _onEmpty: (() => void) | undefined;
  /** CONNECTs being processed (middlewares may be async): the namespace is not empty meanwhile. */
  #admitting = 0;
  #ids = 0;
  #defaultOperator:
    | BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>
    | undefined;
  #operatorAdapter: Adapter | undefined;

  /** @internal */
  constructor(
    server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    name: string,
  ) {
    super();
    this.server = server;
    this.name = name;
    this._initAdapter();
  }

  /** @internal (Re)create the adapter from the server's `adapter` option. */
  _initAdapter(): void {
    this.adapter = this.server._createAdapter(this);
    void Promise.resolve()
      .then(() => this.adapter.init())
      .catch((err: unknown) => reportError(err));
  }

  // Every listener is guarded so an async one's rejection is reported, not unhandled (guard.ts).
  protected override wrapListener(_ev: EventName, listener: Listener): Listener {
    return guard(listener);
  }

  protected override unwrapListener(stored: Listener): Listener {
    return unguard(stored);
  }

  // ---- AdapterNamespace ----

  /** Adapter host interface (AdapterNamespace): encode once for every recipient of a broadcast. */
  prepare(packet: Packet): unknown {
    return this.server._prepare(packet);
  }

  /** Adapter host interface (AdapterNamespace): ack ids come from one counter per namespace (docs/protocol.md §2.5). */
  nextAckId(): number {
    return this.#ids++;
  }

  /** Adapter host interface (AdapterNamespace): the recovery options, when enabled. */
  get recovery(): { maxDisconnectionDuration?: number } | undefined {
    return this.server._recovery;
  }

  // ---- public API ----

  /**
   * Register a connect middleware, run in order on every CONNECT to this namespace.
   *
   * @example
   * ```ts
   * nsp.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("unauthorized"))));
   * ```
   */
  use(fn: Middleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this._fns.push(fn);
    return this;
  }

  /**
   * Validate this namespace's events against a contract (`defineContract()` of `@switchboard/contract`) and get
   * the namespace typed by it. Incoming events are checked after `socket.use` middlewares, emits before sending.
   *
   * @example
   * ```ts
   * const admin = io.of("/admin").contract(adminContract);
   * admin.on("connection", (socket) => socket.on("kick", (who) => {})); // `who`: the schema's output
   * ```
   */
  contract<K extends AnyContract>(
    contract: K,
  ): Namespace<ServerListenEvents<K>, ServerEmitEvents<K>, ServerSideEvents, SocketData> {
    this._contract = contract;
    this._emitContract = this.server._opts.validateOutgoing === false ? undefined : contract;
    return this as never;
  }

  /**
   * Target a room (or rooms) for the next broadcast.
   *
   * @example
   * ```ts
   * nsp.to("room1").emit("news");
   * ```
   */
  to(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().to(room);
  }

  /** Alias of {@link Namespace.to}. */
  in(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().in(room);
  }

  /**
   * Exclude a room (or rooms) from the next broadcast.
   *
   * @example
   * ```ts
   * nsp.except("room1").emit("news");
   * ```
   */
  except(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().except(room);
  }

  /**
   * Emit to every socket of the namespace.
   *
   * @example
   * ```ts
   * nsp.emit("hello", "everyone");
   * ```
   */
  override emit<Ev extends EventNames<RemoveAcknowledgements<EmitEvents>>>(
    ev: Ev,
    ...args: EventParams<RemoveAcknowledgements<EmitEvents>, Ev>
  ): boolean {
    return (this.#operator().emit as (ev: unknown, ...a: unknown[]) => boolean)(ev, ...args);
  }

  /**
   * Emit and resolve with every client's response.
   *
   * @example
   * ```ts
   * const responses = await nsp.timeout(1000).emitWithAck("poll");
   * ```
   */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return (this.#operator().emitWithAck as (ev: unknown, ...a: unknown[]) => Promise<never>)(
      ev,
      ...args,
    );
  }

  /**
   * Emit a `message` event to every socket.
   *
   * @example
   * ```ts
   * nsp.send("hello");
   * ```
   */
  send(...args: EventParams<EmitEvents, "message">): this {
    (this.#operator().emit as (ev: string, ...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  /** Alias of {@link Namespace.send}. */
  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /**
   * Emit to the other nodes of the cluster (not to clients). A single node has none: the
   * in-memory adapter warns and nothing is called.
   *
   * @example
   * ```ts
   * nsp.serverSideEmit("hello", "world");
   * ```
   */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(
    ev: Ev,
    ...args: EventParams<ServerSideEvents, Ev>
  ): boolean {
    const name = String(ev);
    if (RESERVED_EVENTS.has(name) || SERVER_SIDE_RESERVED.has(name))
      throw new ReservedEventError(name);
    this.adapter.serverSideEmit([ev, ...args]);
    return true;
  }

  /**
   * `serverSideEmit` resolving with the other nodes' responses.
   *
   * @example
   * ```ts
   * const responses = await nsp.timeout(1000).serverSideEmitWithAck("ping");
   * ```
   */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]> {
    return new Promise((resolve, reject) => {
      const ack = (err: Error | null, responses: unknown): void =>
        err ? reject(err) : resolve(responses as never);
      (this.serverSideEmit as (ev: unknown, ...a: unknown[]) => boolean)(ev, ...args, ack);
    });
  }

  /** An event another node sent with `serverSideEmit` (cluster adapters call it; AdapterNamespace). */
  onServerSideEmit(args: unknown[]): void {
    try {
      this.emitUntyped(String(args[0]), ...args.slice(1));
    } catch (err) {
      reportError(err);
    }
  }

  /**
   * Ids of the sockets of the namespace.
   *
   * @deprecated use {@link Namespace.fetchSockets}
   */
  allSockets(): Promise<Set<SocketId>> {
    return this.#operator().allSockets();
  }

  /** Whether to compress the next broadcast. */
  compress(
    compress: boolean,
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.#operator().compress(compress);
  }

  /**
   * Conflate the next broadcast (issue #18): see {@link BroadcastOperator.conflate}.
   * @example nsp.conflate("BTC-USD").emit("price", quote);
   */
  conflate(
    key: string,
  ): Omit<
    BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>,
    "timeout" | "emitWithAck"
  > {
    return this.#operator().conflate(key);
  }

  /** Drop the next broadcast for clients that cannot take it right now. */
  get volatile(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.#operator().volatile;
  }

  /** Only the sockets of this node. */
  get local(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.#operator().local;
  }

  /**
   * Wait at most `timeout` ms for the acknowledgements of the next broadcast.
   *
   * @example
   * ```ts
   * nsp.timeout(1000).emit("poll", (err, responses) => {});
   * ```
   */
  timeout(
    timeout: number,
  ): BroadcastOperator<
    DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.#operator().timeout(timeout) as never;
  }

  /**
   * The sockets of the namespace (local ones, and remote ones with a cluster adapter).
   *
   * @example
   * ```ts
   * const sockets = await nsp.fetchSockets();
   * ```
   */
  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.#operator().fetchSockets() as never;
  }

  /**
   * Make every socket join rooms.
   *
   * @example
   * ```ts
   * nsp.socketsJoin("room1");
   * ```
   */
  socketsJoin(room: Room | Room[]): void {
    this.#operator().socketsJoin(room);
  }

  /** Make every socket leave rooms. */
  socketsLeave(room: Room | Room[]): void {
    this.#operator().socketsLeave(room);
  }

  /**
   * Disconnect every socket (`close` also closes their connections).
   *
   * @example
   * ```ts
   * nsp.disconnectSockets(true);
   * ```
   */
  disconnectSockets(close = false): void {
    this.#operator().disconnectSockets(close);
  }

  /** Operators are immutable: one targeting the whole namespace serves every `nsp.emit()`. */
  #operator(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    if (this.#defaultOperator === undefined || this.#operatorAdapter !== this.adapter) {
      this.#defaultOperator = new BroadcastOperator(this.adapter);
      this.#operatorAdapter = this.adapter;
    }
    return this.#defaultOperator;
  }

  // ---- connection flow (admission.ts) ----

  /** @internal A CONNECT for this namespace; `onDone` gets the admitted socket, or nothing when refused. */
  _add(client: Client, auth: Record<string, unknown>, onDone: AdmissionDone): void {
    this.#admitting++;
    admit(this, client, auth, (socket) => {
      this.#admitting--;
      onDone(socket);
      if (socket === undefined) this.#checkEmpty();
    });
  }

  /** @internal Admitted: the socket joins, its client learns it, then the `connect` / `connection` listeners run. */
  _connect(
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    done: AdmissionDone,
  ): void {
    this._preConnectSockets.delete(socket.id);
    this.sockets.set(socket.id, socket);
    socket._onconnect();
    // Durable sessions (connection state recovery across nodes): the adapter keeps this session from now on.
    const pid = socket._pid;
    if (pid !== undefined)
      (this.adapter as Partial<DurableSessionHooks>).trackSession?.(socket, pid);
    done(socket);
    if (connectionChannel.hasSubscribers) connectionChannel.publish({ socket, nsp: this.name });
    try {
      this.emitReserved("connect", socket);
      this.emitReserved("connection", socket);
    } catch (err) {
      socket._onerror(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** @internal A socket left. */
  _remove(socket: Socket<any, any, any, any>): void {
    if (this.sockets.get(socket.id) !== socket) {
      if (this._preConnectSockets.get(socket.id) === socket)
        this._preConnectSockets.delete(socket.id);
      return;
    }
    this.sockets.delete(socket.id);
    this.#checkEmpty();
  }

  #checkEmpty(): void {
    if (this.sockets.size === 0 && this.#admitting === 0) this._onEmpty?.();
  }

  /** @internal For ParentNamespace and the server's `new_namespace`. */
  _emitUntyped(ev: string, ...args: unknown[]): void {
    try {
      this.emitUntyped(ev, ...args);
    } catch (err) {
      reportError(err);
    }
  }
}
