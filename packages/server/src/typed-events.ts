/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import type { EventsMap } from "@switchboard/emitter";
import type { Namespace } from "./namespace.js";
import type { DisconnectReason } from "./reasons.js";
import type { Socket } from "./socket.js";

/** Events a server socket emits to its own listeners. */
export interface SocketReservedEventsMap {
  disconnect: (reason: DisconnectReason, description?: any) => void;
  disconnecting: (reason: DisconnectReason, description?: any) => void;
  error: (err: Error) => void;
  /** The queued outgoing bytes fell back under `backpressure.highWaterMark` after `emit()` returned false. */
  drain: () => void;
}

/** An incoming event as `socket.use` middlewares see it: `[eventName, ...args]`. */
export type Event = [string, ...any[]];

/** A connect middleware error: its `message` and `data` reach the client's `connect_error`. */
export interface ExtendedError extends Error {
  data?: any;
}

/** Events a namespace emits to its own listeners. */
export interface NamespaceReservedEventsMap<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> {
  connect: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  connection: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** A connect middleware: call `next()` to accept, `next(err)` to refuse with `connect_error`. */
export type Middleware<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> = (
  socket: Socket<L, E, S, D>,
  next: (err?: ExtendedError) => void,
) => void;

/** Events the server (its main namespace) emits. */
export interface ServerReservedEventsMap<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends NamespaceReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  new_namespace: (
    namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
  ) => void;
}
