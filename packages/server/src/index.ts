export { Server } from "./server.js";
export type { ParentNspNameMatchFn } from "./namespace-registry.js";
export {
  ServerChannels,
  type AckTimeoutMessage,
  type BroadcastMessage,
  type ConnectionMessage,
  type DisconnectMessage,
  type EventMessage,
  type RoomMessage,
  type ServerChannelName,
} from "./diagnostics.js";
export { Namespace } from "./namespace.js";
export { ParentNamespace } from "./parent-namespace.js";
export { Socket } from "./socket.js";
export { Client } from "./client.js";
export { BroadcastOperator } from "./broadcast-operator.js";
export { RemoteSocket } from "./remote-socket.js";
export { namespacesOf } from "./instrumentation.js";
export type { Handshake } from "./handshake.js";
export type { DisconnectReason } from "./reasons.js";
export type {
  Event,
  ExtendedError,
  Middleware,
  NamespaceReservedEventsMap,
  ServerReservedEventsMap,
  SocketReservedEventsMap,
} from "./typed-events.js";
export type { AdapterConstructor, ConnectionStateRecoveryOptions, ServerOptions } from "./options.js";
export { AckTimeoutError, ErrorCode, ReservedEventError, SocketIOError } from "./errors.js";
export type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
