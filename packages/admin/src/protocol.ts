/**
 * The admin namespace's wire protocol: the same events and payloads as `@socket.io/admin-ui`'s server
 * (so the official hosted UI works against Switchboard), plus backward-compatible extra fields that our
 * own dashboard uses for its plots. Extra fields are optional, so a reader written for the official
 * shapes keeps working.
 *
 * Login: the client connects to the admin namespace with `auth: { username, password }` (basic auth)
 * or `auth: { sessionId }` (a session id received earlier through the `session` event, for reconnects).
 * A refused login is a `connect_error` whose message is `invalid credentials` (or `too many attempts`
 * when the remote address is rate-limited).
 *
 * On connection the server emits, in this order: `session` (basic auth with a password only), `config`,
 * `all_sockets` (development mode only), then `server_stats` every {@link STATS_INTERVAL_MS} ms.
 */

/** Features announced in `config.supportedFeatures` (values are the official ones). */
export const Feature = {
  EMIT: "EMIT",
  JOIN: "JOIN",
  LEAVE: "LEAVE",
  DISCONNECT: "DISCONNECT",
  MJOIN: "MJOIN",
  MLEAVE: "MLEAVE",
  MDISCONNECT: "MDISCONNECT",
  AGGREGATED_EVENTS: "AGGREGATED_EVENTS",
  ALL_EVENTS: "ALL_EVENTS",
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

/** How often each node emits `server_stats`, as the official server. */
export const STATS_INTERVAL_MS = 2000;

/**
 * Types of {@link AggregatedEvent}. The first six are the official ones (the official UI plots them);
 * the others are Switchboard extras, ignored by the official UI.
 */
export const AggregatedEventType = {
  RAW_CONNECTION: "rawConnection",
  RAW_DISCONNECTION: "rawDisconnection",
  PACKETS_IN: "packetsIn",
  PACKETS_OUT: "packetsOut",
  BYTES_IN: "bytesIn",
  BYTES_OUT: "bytesOut",
  /** Extra: Socket.IO EVENT/BINARY_EVENT packets received. */
  EVENTS_IN: "eventsIn",
  /** Extra: Socket.IO EVENT/BINARY_EVENT packets sent (one per recipient for broadcasts). */
  EVENTS_OUT: "eventsOut",
  /** Extra: Socket.IO-level connections, `subType` is the namespace. */
  CONNECTION: "connection",
  /** Extra: Socket.IO-level disconnections, `subType` is the reason. */
  DISCONNECTION: "disconnection",
  /** Extra: development-mode event log entries dropped by the `eventLogRate` budget. */
  EVENT_LOG_DROPPED: "eventLogDropped",
} as const;
export type AggregatedEventType = (typeof AggregatedEventType)[keyof typeof AggregatedEventType];

/** A count of one kind of event within one second (`timestamp` is truncated to the second, in ms). */
export interface AggregatedEvent {
  timestamp: number;
  type: AggregatedEventType | (string & {});
  /** For `rawDisconnection`: the close reason; for `connection`: the namespace; else absent. */
  subType?: string;
  count: number;
}

/** Official name of {@link AggregatedEvent}. */
export type NamespaceEvent = AggregatedEvent;

export interface NamespaceDetails {
  name: string;
  socketsCount: number;
}

/** Payload of `config`. */
export interface Config {
  supportedFeatures: Feature[];
  /** Extra: `development` or `production`. */
  mode?: "development" | "production";
  /** Extra: whether actions are refused. */
  readonly?: boolean;
  /** Extra: the id of the node the admin socket is connected to. */
  serverId?: string;
}

/** Cumulative counters since `instrument()` (extra field of {@link ServerStats}). */
export interface ServerTotals {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  eventsIn: number;
  eventsOut: number;
  connections: number;
  disconnections: number;
  /** Event log entries (`event_received` / `event_sent`) not forwarded because of `eventLogRate`. */
  eventLogDropped?: number;
}

/**
 * Extra (issue #18): a connection over its `backpressure.highWaterMark`, or one recently closed with the
 * reason `slow consumer`.
 */
export interface SlowConsumer {
  /** The Engine.IO session id. */
  id: string;
  /** Its Socket.IO sockets (at most {@link MAX_FLOW_SOCKETS}). */
  sockets: { nsp: string; id: string }[];
  /** Outgoing bytes queued for it at the last sample (at the close for a closed one). */
  queuedBytes: number;
  /** When it was first seen over the mark, ms since epoch (sampled once a second). */
  since: number;
  /** When it was disconnected as a slow consumer, ms since epoch; absent while it is connected. */
  closedAt?: number;
}

/** Extra (issue #18): a socket whose events were refused by `rateLimit`, per event label. */
export interface RateLimited {
  /** The Socket.IO socket id. */
  id: string;
  nsp: string;
  /** A name declared in `rateLimit.events`, or `other`: bounded, like the metric's label. */
  event: string;
  /** Events refused under that label. */
  count: number;
  /** The last refusal, ms since epoch. */
  at: number;
}

/** Extra field of {@link ServerStats}: slow and rate-limited sockets of this node, newest first. */
export interface FlowStats {
  /** Connections over the high-water mark now. */
  overMark: number;
  /** Connections closed with `slow consumer` since the server started. */
  slowConsumerDisconnects: number;
  /** Events refused by `rateLimit` since the server started (every label). */
  rateLimitedEvents: number;
  /** At most {@link MAX_FLOW_ENTRIES}: the ones over the mark now, then the recently closed ones. */
  slowConsumers: SlowConsumer[];
  /** At most {@link MAX_FLOW_ENTRIES}, the most recent refusal first. */
  rateLimited: RateLimited[];
}

/** Most entries of each list in {@link FlowStats}. */
export const MAX_FLOW_ENTRIES = 50;
/** Most Socket.IO sockets listed per {@link SlowConsumer}. */
export const MAX_FLOW_SOCKETS = 10;

/** Payload of `server_stats`, emitted by every node of a cluster to every admin socket. */
export interface ServerStats {
  serverId: string;
  hostname: string;
  pid: number;
  /** Process uptime, seconds. */
  uptime: number;
  /** Engine.IO connections on this node. */
  clientsCount: number;
  /** Of which still on long-polling. */
  pollingClientsCount: number;
  /** Per-second counts since the previous `server_stats` of this node. */
  aggregatedEvents: AggregatedEvent[];
  namespaces: NamespaceDetails[];
  /** Extra: cumulative counters. */
  totals?: ServerTotals;
  /** Extra: event-loop delay (mean over the last interval), ms. */
  eventLoopLagMs?: number;
  /** Extra: process memory, bytes. */
  memory?: { rss: number; heapUsed: number };
  /** Extra: wall-clock time of this sample, ms since epoch. */
  timestamp?: number;
  /**
   * Extra, only in the first `server_stats` a newly connected admin socket gets: `[timestamp, clientsCount]`
   * of this node over the last 5 minutes (its `aggregatedEvents` then hold the same window's counts).
   */
  clientsHistory?: [number, number][];
  /** Extra (issue #18): slow consumers and rate-limited sockets of this node. */
  flow?: FlowStats;
}

/**
 * A socket as shown to the UI. `handshake` never carries `auth`, and sensitive headers / query
 * parameters (authorization, cookie, tokens, passwords…) are replaced by `"[redacted]"`.
 */
export interface SerializedSocket {
  id: string;
  /** The Engine.IO connection id, truncated to 12 characters as the official server does. */
  clientId: string;
  transport: string;
  nsp: string;
  data: unknown;
  handshake: SerializedHandshake;
  rooms: string[];
}

export interface SerializedHandshake {
  address: string;
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
  issued: number;
  secure: boolean;
  time: string;
  url: string;
  xdomain: boolean;
}

/** Events the server emits to admin sockets. Dates are serialised as ISO strings on the wire. */
export interface ServerEvents {
  session: (sessionId: string) => void;
  config: (config: Config) => void;
  server_stats: (stats: ServerStats) => void;
  all_sockets: (sockets: SerializedSocket[]) => void;
  socket_connected: (socket: SerializedSocket, timestamp: Date) => void;
  socket_updated: (socket: Partial<SerializedSocket> & { id: string; nsp: string }) => void;
  socket_disconnected: (nsp: string, id: string, reason: string, timestamp: Date) => void;
  room_joined: (nsp: string, room: string, id: string, timestamp: Date) => void;
  room_left: (nsp: string, room: string, id: string, timestamp: Date) => void;
  event_received: (nsp: string, id: string, args: unknown[], timestamp: Date) => void;
  event_sent: (nsp: string, id: string, args: unknown[], timestamp: Date) => void;
}

/**
 * Actions admin sockets send. `filter` is a socket id or a room (a socket id is its own room);
 * absent means the whole namespace. All are refused (ignored, logged) in `readonly` mode.
 */
export interface ClientEvents {
  emit: (nsp: string, filter: string | undefined, ev: string, ...args: unknown[]) => void;
  join: (nsp: string, room: string, filter?: string) => void;
  leave: (nsp: string, room: string, filter?: string) => void;
  _disconnect: (nsp: string, close: boolean, filter?: string) => void;
}

/** Shape of the admin socket's `auth` payload. */
export type AdminAuth =
  { username: string; password: string } | { sessionId: string } | Record<string, never>;
