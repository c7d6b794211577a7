/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
// The part of the Server API that acts on its main namespace `/`, as in socket.io: `io.emit()` is
// `io.sockets.emit()`, `io.on("connection")` is `io.sockets.on("connection")`, and so on.
import type { Room, SocketId } from "@switchboard/adapter";
import {
  Emitter,
  type AllButLast,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  type DefaultEventsMap,
  type EmitterBase,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type RemoveAcknowledgements,
} from "@switchboard/emitter";
import type { BroadcastOperator } from "./broadcast-operator.js";
import type { Namespace } from "./namespace.js";
import type { RemoteSocket } from "./remote-socket.js";
import type { Middleware, ServerReservedEventsMap } from "./typed-events.js";

/**
 * The base of `Server`: everything that forwards to the main namespace. Not exported from the package.
 */
export abstract class MainNamespaceApi<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Emitter<
  ServerSideEvents,
  RemoveAcknowledgements<EmitEvents>,
  ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
> {
  /** The main namespace `/`. */
  abstract readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;

  /**
   * Register a connect middleware on the main namespace.
   *
   * @example
   * ```ts
   * io.use((socket, next) => next());
   * ```
   */
  use(fn: Middleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.sockets.use(fn);
    return this;
  }

  /** Target a room (or rooms) of the main namespace. */
  to(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.to(room);
  }

  /** Alias of {@link MainNamespaceApi.to}. */
  in(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.in(room);
  }

  /** Exclude a room (or rooms) of the main namespace. */
  except(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.except(room);
  }

  /**
   * Emit to every socket of the main namespace.
   *
   * @example
   * ```ts
   * io.emit("hello", "world");
   * ```
   */
  override emit<Ev extends EventNames<RemoveAcknowledgements<EmitEvents>>>(
    ev: Ev,
    ...args: EventParams<RemoveAcknowledgements<EmitEvents>, Ev>
  ): boolean {
    return this.sockets.emit(ev, ...args);
  }

  /** Emit to every socket of the main namespace and resolve with their responses. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return this.sockets.emitWithAck(ev, ...args);
  }

  /** Emit a `message` event to every socket of the main namespace. */
  send(...args: EventParams<EmitEvents, "message">): this {
    this.sockets.send(...args);
    return this;
  }

  /** Alias of {@link MainNamespaceApi.send}. */
  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /** Emit to the other nodes of the cluster (a single node warns and does nothing). */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(
    ev: Ev,
    ...args: EventParams<ServerSideEvents, Ev>
  ): boolean {
    return this.sockets.serverSideEmit(ev, ...args);
  }

  /** `serverSideEmit` resolving with the other nodes' responses. */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]> {
    return this.sockets.serverSideEmitWithAck(ev, ...args);
  }

  /** @deprecated use {@link MainNamespaceApi.fetchSockets} */
  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  /** Whether to compress the next broadcast. */
  compress(
    compress: boolean,
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.compress(compress);
  }

  /**
   * Conflate the next broadcast (issue #18): see {@link BroadcastOperator.conflate}.
   * @example io.conflate("BTC-USD").emit("price", quote);
   */
  conflate(
    key: string,
  ): Omit<
    BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>,
    "timeout" | "emitWithAck"
  > {
    return this.sockets.conflate(key);
  }

  /** Drop the next broadcast for clients that cannot take it right now. */
  get volatile(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.sockets.volatile;
  }

  /** Only the sockets of this node. */
  get local(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.sockets.local;
  }

  /**
   * Wait at most `timeout` ms for the acknowledgements of the next broadcast.
   *
   * @example
   * ```ts
   * io.timeout(1000).emit("poll", (err, responses) => {});
   * ```
   */
  timeout(
    timeout: number,
  ): BroadcastOperator<
    DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this.sockets.timeout(timeout);
  }

  /** The sockets of the main namespace. */
  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  /** Make every socket of the main namespace join rooms. */
  socketsJoin(room: Room | Room[]): void {
    this.sockets.socketsJoin(room);
  }

  /** Make every socket of the main namespace leave rooms. */
  socketsLeave(room: Room | Room[]): void {
    this.sockets.socketsLeave(room);
  }

  /** Disconnect every socket of the main namespace. */
  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  // Listener methods act on the main namespace: its table holds the server's listeners.
  protected override listenerHost(): EmitterBase<EventsMap, EventsMap> {
    return this.sockets as never;
  }
}
