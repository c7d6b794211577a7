/** Stable codes of the errors this package creates (see README). */
export const ErrorCode = {
  /** The server refused the namespace (CONNECT_ERROR: middleware or unknown namespace). */
  CONNECT_REFUSED: "ERR_SIO_CLIENT_CONNECT_REFUSED",
  /** No Engine.IO handshake within the Manager's `timeout`. */
  CONNECT_TIMEOUT: "ERR_SIO_CLIENT_CONNECT_TIMEOUT",
  /** The connection closed before the handshake completed (the message is the Engine.IO close reason). */
  CONNECT_CLOSED: "ERR_SIO_CLIENT_CONNECT_CLOSED",
  /** An acknowledgement did not arrive within `timeout(ms)` / `ackTimeout`. */
  ACK_TIMEOUT: "ERR_SIO_CLIENT_ACK_TIMEOUT",
  /** The socket disconnected while an acknowledgement with a timeout was pending. */
  DISCONNECTED: "ERR_SIO_CLIENT_DISCONNECTED",
  /** `emit()` of a reserved event name (docs/protocol.md §2.8). */
  RESERVED_EVENT: "ERR_SIO_CLIENT_RESERVED_EVENT",
  /** The server answered CONNECT with something other than `{ sid }`. */
  BAD_CONNECT: "ERR_SIO_CLIENT_BAD_CONNECT",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of this package's errors: a stable `code` beside Socket.IO's message. */
export class ClientError extends Error {
  override name = "ClientError";
  // `declare`d and set in the constructor: no class-field definitions in the bundle (same for ConnectError).
  declare readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode) {
    super(message);
    this.code = code;
  }
}

/** `connect_error` for a refused namespace; `data` is what the server's middleware attached (`err.data`). */
export class ConnectError extends ClientError {
  override name = "ConnectError";
  declare readonly data?: unknown;
  constructor(message: string, data?: unknown) {
    super(message, ErrorCode.CONNECT_REFUSED);
    this.data = data;
  }
}
