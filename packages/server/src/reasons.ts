/** Why a server socket was disconnected: Socket.IO's exact strings (docs/protocol.md §3). */
export type DisconnectReason =
  | "transport error"
  | "transport close"
  | "forced close"
  | "ping timeout"
  | "parse error"
  | "server shutting down"
  | "forced server close"
  | "client namespace disconnect"
  | "server namespace disconnect"
  /** Switchboard: queued bytes reached `backpressure.maxBufferedBytes` (issue #18). */
  | "slow consumer"
  /** Switchboard: incoming events reached `rateLimit.disconnectAt` times the budget in one window (issue #18). */
  | "rate limited";

/** Reasons after which the session is kept for connection state recovery (docs/protocol.md §2.9, point 4). */
export const RECOVERABLE_DISCONNECT_REASONS: ReadonlySet<string> = new Set([
  "transport error",
  "transport close",
  "forced close",
  "ping timeout",
  "server shutting down",
  "forced server close",
]);

/** Event names an application can neither emit nor receive (docs/protocol.md §2.8): the parser's list. */
export { RESERVED_EVENTS } from "@switchboard/parser";
