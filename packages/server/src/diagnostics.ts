// Observability as data (ARCHITECTURE.md): the server publishes typed messages on `node:diagnostics_channel`.
// Every publisher checks `hasSubscribers` first, so an unobserved server pays one boolean read per site
// and builds no message.
import type { Adapter, BroadcastFlags, Room } from "@switchboard/adapter";
import { channel } from "node:diagnostics_channel";
import type { Socket } from "./socket.js";

/**
 * The names of the server's diagnostics channels (documented in the README, "Diagnostics channels").
 *
 * @example
 * ```ts
 * import { subscribe } from "node:diagnostics_channel";
 * subscribe(ServerChannels.disconnect, (msg) => console.log((msg as DisconnectMessage).reason));
 * ```
 */
export const ServerChannels = {
  connection: "switchboard:server:connection",
  disconnect: "switchboard:server:disconnect",
  join: "switchboard:server:join",
  leave: "switchboard:server:leave",
  broadcast: "switchboard:server:broadcast",
  ackTimeout: "switchboard:server:ack-timeout",
  event: "switchboard:server:event",
} as const;

/** One of {@link ServerChannels}' names. */
export type ServerChannelName = (typeof ServerChannels)[keyof typeof ServerChannels];

/* eslint-disable @typescript-eslint/no-explicit-any -- a subscriber sees sockets of every event map */
type AnySocket = Socket<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** `switchboard:server:connection`: a socket joined a namespace (after its middlewares, before `connection`). */
export interface ConnectionMessage {
  socket: AnySocket;
  nsp: string;
}

/** `switchboard:server:disconnect`: a socket left its namespace (before its `disconnect` listeners run). */
export interface DisconnectMessage {
  socket: AnySocket;
  nsp: string;
  reason: string;
  description: unknown;
}

/** `switchboard:server:join` / `switchboard:server:leave`: a socket entered or left one room. */
export interface RoomMessage {
  socket: AnySocket;
  nsp: string;
  room: Room;
}

/** `switchboard:server:broadcast`: a broadcast made on this node (never its payload). */
export interface BroadcastMessage {
  nsp: string;
  /** The namespace's adapter: tells servers apart (`io.of(nsp).adapter === adapter`). */
  adapter: Adapter;
  rooms: Room[];
  except: Room[];
  flags: BroadcastFlags;
  /** Whether the broadcast awaits acknowledgements. */
  ack: boolean;
  /** Packets written to this node's sockets (remote nodes' recipients are not counted). */
  packets: number;
}

/** `switchboard:server:ack-timeout`: an acknowledgement expired. */
export interface AckTimeoutMessage {
  nsp: string;
  /** The namespace's adapter: tells servers apart (`io.of(nsp).adapter === adapter`). */
  adapter: Adapter;
  /** True for a broadcast's ack (`io.timeout(ms).emit(…, cb)`). */
  broadcast: boolean;
  /** The socket whose ack expired (undefined for a broadcast). */
  socket: AnySocket | undefined;
}

/**
 * `switchboard:server:event`: an EVENT / BINARY_EVENT packet a socket received (before its middlewares), or one
 * written to a socket (`socket.emit`, or once per recipient of a broadcast). Never the event's name nor payload.
 */
export interface EventMessage {
  socket: AnySocket;
  nsp: string;
  direction: "in" | "out";
}

/** @internal */ export const connectionChannel = channel(ServerChannels.connection);
/** @internal */ export const disconnectChannel = channel(ServerChannels.disconnect);
/** @internal */ export const joinChannel = channel(ServerChannels.join);
/** @internal */ export const leaveChannel = channel(ServerChannels.leave);
/** @internal */ export const broadcastChannel = channel(ServerChannels.broadcast);
/** @internal */ export const ackTimeoutChannel = channel(ServerChannels.ackTimeout);
/** @internal */ export const eventChannel = channel(ServerChannels.event);

/** @internal Publishes an event packet received or written by `socket` (callers check `hasSubscribers`). */
export function publishEvent(socket: AnySocket, direction: "in" | "out"): void {
  const message: EventMessage = { socket, nsp: socket.nsp.name, direction };
  eventChannel.publish(message);
}

/**
 * @internal An ack expired: `socket`'s (a `Socket`, the only ack host), or a broadcast's when `socket` is undefined.
 */
export function publishAckTimeout(adapter: Adapter, socket: object | undefined): void {
  if (!ackTimeoutChannel.hasSubscribers) return;
  const message: AckTimeoutMessage = {
    nsp: adapter.nsp.name,
    adapter,
    broadcast: socket === undefined,
    socket: socket as AnySocket | undefined,
  };
  ackTimeoutChannel.publish(message);
}

/**
 * Packets written by `Socket#deliver` so far; a broadcast reads the difference around its adapter call
 * (see {@link countDeliveries}). One integer increment per recipient, nothing else.
 * @internal
 */
export const deliveries = { count: 0 };

/**
 * Runs `broadcast` and returns how many packets it wrote to this node's sockets. A broadcast made from
 * within another one (a listener reacting to a delivery) counts only its own packets.
 * @internal
 */
export function countDeliveries(broadcast: () => void): number {
  const outer = deliveries.count;
  deliveries.count = 0;
  try {
    broadcast();
    return deliveries.count;
  } finally {
    deliveries.count = outer;
  }
}
