export { Adapter } from "./in-memory-adapter.js";
export { SessionAwareAdapter, type SessionAwareAdapterOptions } from "./session-aware-adapter.js";
export { nextOffset } from "./offset.js";
export { ClusterAdapter } from "./cluster-adapter.js";
export { ClusterAdapterWithHeartbeat, type ClusterAdapterWithHeartbeatOptions } from "./cluster-adapter-with-heartbeat.js";
export {
  MessageType,
  type ClusterAdapterOptions,
  type ClusterMessage,
  type ClusterResponse,
  type SerializedOptions,
  type SerializedSocket,
  type ServerId,
} from "./cluster-messages.js";
export type {
  AdapterEvents,
  AdapterNamespace,
  AdapterSocket,
  BroadcastFlags,
  BroadcastOptions,
  PrivateSessionId,
  RemoteSocketDetails,
  Room,
  Session,
  SessionToPersist,
  SocketId,
  WriteFlags,
} from "./types.js";

/** Offsets of connection state recovery are strings. */
export type Offset = string;
