/** Stable error codes of `@switchboard/server` (documented in the README). */
export const ErrorCode = {
  /** `emit()` of a reserved event name (docs/protocol.md §2.8). */
  RESERVED_EVENT: "ERR_SIO_RESERVED_EVENT",
  /** An acknowledgement did not arrive within `timeout(ms)` (docs/protocol.md §2.5). */
  ACK_TIMEOUT: "ERR_SIO_ACK_TIMEOUT",
  /** A socket.io feature this server does not implement (`attachApp` for uWebSockets.js). */
  NOT_SUPPORTED: "ERR_SIO_NOT_SUPPORTED",
  /** A CONNECT past `maxNamespacesPerConnection`: the `data.code` of that namespace's `connect_error`. */
  TOO_MANY_NAMESPACES: "ERR_SB_TOO_MANY_NAMESPACES",
  /** A limit option (`maxPendingAcks`, …) that is not an integer in range, thrown by `new Server()`. */
  INVALID_OPTION: "ERR_SB_INVALID_OPTION",
  /** An incoming event over its `rateLimit` budget (issue #18): the `code` of `RateLimitError` and of the ack answer. */
  RATE_LIMITED: "RATE_LIMITED",
  /** `conflate(key)` with a key that is not a string of 1 to 256 characters. */
  INVALID_CONFLATION_KEY: "ERR_SB_INVALID_CONFLATION_KEY",
  /** An ack callback or `timeout()` on a conflated emit (a conflated packet may be replaced, so never answered). */
  CONFLATED_ACK: "ERR_SB_CONFLATED_ACK",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of the errors thrown or passed by the server; `code` is stable. */
export class SocketIOError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Thrown by `emit("connect")` & co. Message as Socket.IO's: `"<name>" is a reserved event name`. */
export class ReservedEventError extends SocketIOError {
  constructor(event: string) {
    super(ErrorCode.RESERVED_EVENT, `"${event}" is a reserved event name`);
  }
}

/**
 * Passed to acknowledgement callbacks (or rejected by `emitWithAck`) when no response came in time.
 * The message is Socket.IO's exact `operation has timed out`.
 */
export class AckTimeoutError extends SocketIOError {
  /** For broadcasts: the responses received before the timeout. */
  responses?: unknown[];
  constructor() {
    super(ErrorCode.ACK_TIMEOUT, "operation has timed out");
  }
}
