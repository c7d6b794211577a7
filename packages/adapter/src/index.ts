export { Adapter } from "./in-memory-adapter.js";
export { SessionAwareAdapter, type SessionAwareAdapterOptions } from "./session-aware-adapter.js";
export {
  RECOVERY_CHANNEL,
  type RecoveryFailureReason,
  type RecoveryLimits,
  type RecoveryLogOptions,
  type RecoveryMessage,
  type RecoveryStats,
} from "./recovery-log.js";
export { ClusterAdapter, type DroppedMessages } from "./cluster-adapter.js";
export {
  createPeerDirectory,
  type PeerDirectoryOptions,
  type PeerKeyValue,
} from "./peer-directory.js";
export { RequestTracker, type RequestDone, type RequestSpec } from "./cluster-requests.js";
export {
  AdapterError,
  AdapterErrorCode,
  MsgpackDecodeError,
  MsgpackEncodeError,
  RequestTimeoutError,
} from "./errors.js";
export {
  decode as msgpackDecode,
  encode as msgpackEncode,
  type MsgpackDecodeOptions,
} from "./msgpack.js";
export {
  ClusterAdapterWithHeartbeat,
  type ClusterAdapterWithHeartbeatOptions,
} from "./cluster-adapter-with-heartbeat.js";
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
  DurableSessionHooks,
  PeerDirectory,
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
