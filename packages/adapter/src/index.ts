export { Adapter, settle } from "./in-memory-adapter.js";
export { SessionAwareAdapter, type SessionAwareAdapterOptions } from "./session-aware-adapter.js";
export { nextOffset } from "./offset.js";
export { ClusterAdapter, droppedMessages, type DroppedMessages } from "./cluster-adapter.js";
export { RequestTracker, type RequestDone, type RequestSpec } from "./cluster-requests.js";
export {
  AdapterError,
  AdapterErrorCode,
  MsgpackDecodeError,
  MsgpackEncodeError,
  RequestTimeoutError,
} from "./errors.js";
export { decode as msgpackDecode, encode as msgpackEncode, type MsgpackDecodeOptions } from "./msgpack.js";
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
