import type { Packet } from "@switchboard/parser";

/** A Socket.IO socket id (public, never the Engine.IO session id). */
export type SocketId = string;
/** The private session id used by connection state recovery (docs/protocol.md §2.9). */
export type PrivateSessionId = string;
/** A room name. Every socket is in the room named after its own id. */
export type Room = string;

/** Flags carried by a broadcast (docs/protocol.md §5.1). */
export interface BroadcastFlags {
  /** Drop the packet for recipients whose transport is not writable right now. */
  volatile?: boolean;
  /** Ask the transport to compress (permessage-deflate / HTTP compression). */
  compress?: boolean;
  /** Only this node: cluster adapters must not forward it. */
  local?: boolean;
  broadcast?: boolean;
  binary?: boolean;
  /** Ack timeout in ms for `broadcastWithAck`. */
  timeout?: number;
  /** The caller expects exactly one response (e.g. a single socket's `emitWithAck`). */
  expectSingleResponse?: boolean;
  /** Conflation key (issue #18): a still-queued packet with the same key is replaced by this one. */
  conflate?: string;
}

/** Who a broadcast reaches: sockets in any of `rooms` (or everyone when empty), minus those in `except`. */
export interface BroadcastOptions {
  rooms: Set<Room>;
  except?: Set<Room>;
  flags?: BroadcastFlags;
}

/** What the server hands to `persistSession` when a recoverable disconnection happens. */
export interface SessionToPersist {
  sid: SocketId;
  pid: PrivateSessionId;
  rooms: Room[];
  data: unknown;
}

/** A restored session: the persisted state plus the EVENT payloads the socket missed, oldest first. */
export interface Session extends SessionToPersist {
  missedPackets: unknown[][];
}

/** A socket of another node, as `fetchSockets()` returns it (serialisable data only). */
export interface RemoteSocketDetails {
  id: SocketId;
  handshake: unknown;
  rooms: Room[];
  data: unknown;
}

/** Options of a single write to one socket. */
export interface WriteFlags {
  volatile?: boolean;
  compress?: boolean;
  /** The engine's conflation tag (namespace and key), when conflated. */
  conflate?: string;
  /** Whether backpressure's `drop-oldest` may drop it (a packet without ack). */
  droppable?: boolean;
}

/**
 * The part of a server socket the adapter needs. The server's `Socket` satisfies it; the adapter
 * never imports the server (ARCHITECTURE.md, dependency direction).
 */
export interface AdapterSocket {
  readonly id: SocketId;
  /** Serialised as-is by `fetchSockets` for other nodes. */
  readonly handshake: unknown;
  data: unknown;
  /**
   * Deliver a packet already prepared by {@link AdapterNamespace.prepare}. `packet` is given so the
   * socket can notify its outgoing listeners; it must not be re-encoded.
   */
  deliver(packet: Packet, prepared: unknown, flags: WriteFlags): void;
  /** Register the callback to call when the ACK with this id arrives (its args spread). */
  registerAck(id: number, ack: (...args: unknown[]) => void): void;
  join(rooms: Room | Room[]): Promise<void> | void;
  leave(room: Room): Promise<void> | void;
  disconnect(close?: boolean): unknown;
}

/** The part of a server namespace the adapter needs. The server's `Namespace` satisfies it. */
export interface AdapterNamespace {
  readonly name: string;
  /** The sockets connected to this namespace on this node. */
  readonly sockets: ReadonlyMap<SocketId, AdapterSocket>;
  /**
   * Encode a packet once for every recipient (Socket.IO parser, then Engine.IO pre-encoding). The
   * result is opaque to the adapter and handed unchanged to each {@link AdapterSocket.deliver}.
   */
  prepare(packet: Packet): unknown;
  /** Allocate an ack id from the namespace's counter (docs/protocol.md §2.5). */
  nextAckId(): number;
  /**
   * Deliver an event another node sent with `serverSideEmit` to this namespace's listeners
   * (cluster adapters call it; the last argument may be an ack callback).
   */
  onServerSideEmit?(args: unknown[]): void;
  /** The server's `connectionStateRecovery` options, when enabled. */
  readonly recovery?: { readonly maxDisconnectionDuration?: number } | undefined;
}

/** Room events every adapter emits. */
export interface AdapterEvents {
  "create-room": (room: Room) => void;
  "delete-room": (room: Room) => void;
  "join-room": (room: Room, id: SocketId) => void;
  "leave-room": (room: Room, id: SocketId) => void;
}

/**
 * Optional adapter methods for sessions that must outlive the node (connection state recovery across processes,
 * e.g. the Redis Streams adapter). The server calls them when the adapter has them; room changes reach the adapter
 * through `addAll` / `del` / `delAll` already.
 */
export interface DurableSessionHooks {
  /** A socket was admitted with recovery on (fresh or recovered), after its CONNECT reply. */
  trackSession(socket: AdapterSocket, pid: PrivateSessionId): void;
  /** `socket.data` was assigned (nested mutations are not seen: adapters save them with the next write). */
  sessionChanged(sid: SocketId): void;
}

/**
 * Where nodes find each other to forward requests for sessions they do not hold (issue #16,
 * docs/scaling.md). The Redis adapters implement it over the Redis they already use and expose it as
 * `adapter.peerDirectory`; the server hands it to the engine.
 */
export interface PeerDirectory {
  /**
   * Publishes `address` (`http://host:port`) under `tag` and keeps it alive (refreshing it, also after
   * Redis restarts) until `release(tag)`. Resolves false when another live node holds the tag.
   */
  claim(tag: string, address: string): Promise<boolean>;
  /** The address published under `tag`, or null; rejects when the directory cannot answer. */
  lookup(tag: string): Promise<string | null>;
  /** Stops keeping `tag` alive and removes it. */
  release(tag: string): Promise<void>;
}
