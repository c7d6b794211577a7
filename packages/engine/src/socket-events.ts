import type { PacketType } from "@switchboard/engine-parser";
import type { PreEncodedPacket } from "./pre-encoded.js";
import type { Transport } from "./transports/transport.js";

/** Lifecycle of a session. */
export type ReadyState = "opening" | "open" | "closing" | "closed";

/** Why a session closed (docs/protocol.md §1.7); the strings match the reference server. */
export type CloseReason =
  | "transport error"
  | "transport close"
  | "forced close"
  | "ping timeout"
  | "parse error"
  /** Switchboard: the session's queued bytes reached `backpressure.maxBufferedBytes` (issue #18). */
  | "slow consumer";

/** Options of `socket.send()`. */
export interface SendOptions {
  /** Compress this packet when permessage-deflate is negotiated. Default true. */
  compress?: boolean;
  /**
   * Conflation key: a packet still queued with the same key is replaced by this one, in place
   * (over polling until a GET takes it; over WebSocket while the socket is over its high-water mark).
   */
  conflate?: string;
  /** Whether `backpressure.onOverflow: "drop-oldest"` may drop this packet. Default false. */
  droppable?: boolean;
}

/** Data accepted by `socket.send()`. */
export type SendData = string | Buffer | ArrayBuffer | ArrayBufferView | PreEncodedPacket;

/** A packet as reported by the `packet`, `packetCreate` and `flush` events. */
export interface PacketInfo {
  type: PacketType;
  data?: string | Buffer;
  /**
   * The send options (`packetCreate` only, as on `engine.io`): `compress` is false only when asked;
   * a text `PreEncodedPacket` brings its shared WebSocket frame as `wsPreEncodedFrame`.
   */
  options?: { compress: boolean; wsPreEncodedFrame?: readonly Buffer[] };
}

/** Receives a session's messages and its close, ahead of the listeners (see `socket.setHandler()`). */
export interface SessionHandler {
  /** A message from the client: text, or a Buffer for binary. */
  onMessage(data: string | Buffer): void;
  /** The session closed; called once, before the `close` event. */
  onClose(reason: CloseReason, description?: Error): void;
  /** The session's queued bytes fell back under `backpressure.highWaterMark` after being above it. */
  onDrain?(): void;
}

/** Events of an Engine.IO session. */
export interface SocketEvents {
  open: [];
  /** A message from the client: text, or a Buffer for binary. */
  message: [data: string | Buffer];
  /** Same as `message` (kept for Socket.IO compatibility). */
  data: [data: string | Buffer];
  close: [reason: CloseReason, description?: Error];
  /** An exception thrown by one of your listeners while the engine delivered an event. */
  error: [err: Error];
  /** Every packet received (only built when listened to). */
  packet: [packet: PacketInfo];
  /** Every packet queued for sending (only built when listened to). */
  packetCreate: [packet: PacketInfo];
  /** Packets about to be written (only built when listened to). */
  flush: [packets: PacketInfo[]];
  /** Everything queued so far was written. */
  drain: [];
  /** The client answered a ping. */
  heartbeat: [];
  /** The client probed a WebSocket for an upgrade. */
  upgrading: [transport: Transport];
  /** The session now runs over the new transport. */
  upgrade: [transport: Transport];
}
