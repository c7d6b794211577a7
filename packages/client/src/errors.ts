// One `const` per code, which the catalogue below gathers: modules use the consts, so that bundlers inline the
// strings and drop the catalogue from builds that do not export it (an app's bundle of the client).
/** The server refused the namespace (CONNECT_ERROR: middleware or unknown namespace). */
export const ERR_CONNECT_REFUSED = "ERR_SIO_CLIENT_CONNECT_REFUSED";
/** No Engine.IO handshake within the Manager's `timeout`. */
export const ERR_CONNECT_TIMEOUT = "ERR_SIO_CLIENT_CONNECT_TIMEOUT";
/** The connection closed before the handshake completed (the message is the Engine.IO close reason). */
export const ERR_CONNECT_CLOSED = "ERR_SIO_CLIENT_CONNECT_CLOSED";
/** An acknowledgement did not arrive within `timeout(ms)` / `ackTimeout`. */
export const ERR_ACK_TIMEOUT = "ERR_SIO_CLIENT_ACK_TIMEOUT";
/** The socket disconnected while an acknowledgement with a timeout was pending. */
export const ERR_DISCONNECTED = "ERR_SIO_CLIENT_DISCONNECTED";
/** `emit()` of a reserved event name (docs/protocol.md §2.8). */
export const ERR_RESERVED_EVENT = "ERR_SIO_CLIENT_RESERVED_EVENT";
/** The server answered CONNECT with something other than `{ sid }`. */
export const ERR_BAD_CONNECT = "ERR_SIO_CLIENT_BAD_CONNECT";

/** Stable codes of the errors this package creates (see README). */
export const ErrorCode = {
  CONNECT_REFUSED: ERR_CONNECT_REFUSED,
  CONNECT_TIMEOUT: ERR_CONNECT_TIMEOUT,
  CONNECT_CLOSED: ERR_CONNECT_CLOSED,
  ACK_TIMEOUT: ERR_ACK_TIMEOUT,
  DISCONNECTED: ERR_DISCONNECTED,
  RESERVED_EVENT: ERR_RESERVED_EVENT,
  BAD_CONNECT: ERR_BAD_CONNECT,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base of this package's errors: a stable `code` beside Socket.IO's message. (`name` is a literal, not
 * `new.target.name`, because the minified bundles rename classes.)
 */
export class ClientError extends Error {
  override name = "ClientError";
  // `declare`d and set in the constructor: no class-field definitions in the bundle (same for ConnectError).
  declare readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `connect_error` for a refused namespace; `data` is what the server's middleware attached (`err.data`). */
export class ConnectError extends ClientError {
  override name = "ConnectError";
  declare readonly data?: unknown;
  constructor(message: string, data?: unknown) {
    super(ERR_CONNECT_REFUSED, message);
    this.data = data;
  }
}
