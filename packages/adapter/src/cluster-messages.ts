import type { RecoveryLimits } from "./recovery-log.js";
import type { BroadcastFlags, RemoteSocketDetails, Room } from "./types.js";

/** A node of the cluster: 16 hex characters (docs/protocol.md §5.1). */
export type ServerId = string;

/** Message types exchanged between nodes (docs/protocol.md §5.1). */
export enum MessageType {
  INITIAL_HEARTBEAT = 1,
  HEARTBEAT = 2,
  BROADCAST = 3,
  SOCKETS_JOIN = 4,
  SOCKETS_LEAVE = 5,
  DISCONNECT_SOCKETS = 6,
  FETCH_SOCKETS = 7,
  FETCH_SOCKETS_RESPONSE = 8,
  SERVER_SIDE_EMIT = 9,
  SERVER_SIDE_EMIT_RESPONSE = 10,
  BROADCAST_CLIENT_COUNT = 11,
  BROADCAST_ACK = 12,
  ADAPTER_CLOSE = 13,
}

/** Broadcast options as they travel between nodes (Sets become arrays). */
export interface SerializedOptions {
  rooms: Room[];
  except: Room[];
  flags: BroadcastFlags;
}

/** A serialised socket in a FETCH_SOCKETS response. */
export type SerializedSocket = RemoteSocketDetails;

/** What a node publishes to every other node. `data` depends on `type`. */
export interface ClusterMessage {
  uid: ServerId;
  nsp: string;
  type: MessageType;
  data?: {
    requestId?: string;
    packet?: unknown;
    opts?: SerializedOptions;
    rooms?: Room[];
    close?: boolean;
  };
}

/** What a node sends back to the node that made a request. */
export interface ClusterResponse {
  uid: ServerId;
  nsp: string;
  type: MessageType;
  data: {
    requestId: string;
    packet?: unknown;
    sockets?: SerializedSocket[];
    clientCount?: number;
  };
}

export interface ClusterAdapterOptions {
  /** Memory limits of connection state recovery on this node (used when the server enables recovery). */
  recoveryLimits?: RecoveryLimits;
  /** How long a request (fetchSockets, serverSideEmit with ack) waits for the other nodes, in ms. Default 5000. */
  requestsTimeout?: number;
}
