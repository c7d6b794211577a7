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
export type { ParentNamespace } from "./parent-namespace.js";
export { Socket } from "./socket.js";
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
export type {
  AdapterConstructor,
  ConnectionStateRecoveryOptions,
  ServerOptions,
} from "./options.js";
export type { ForwardingOptions, ForwardingStats } from "@switchboard/engine";
export { AckTimeoutError, ErrorCode, ReservedEventError, SocketIOError } from "./errors.js";
export { RateLimitError, type RateLimitOptions, type RateBudget } from "./rate-limit.js";
export type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
// Contracts (issue #17): typed and validated events with Standard Schema, re-exported from @switchboard/contract.
export {
  ContractValidationError,
  defineContract,
  toAsyncAPI,
  type AnyContract,
  type Contract,
  type ContractIssue,
} from "@switchboard/contract";
