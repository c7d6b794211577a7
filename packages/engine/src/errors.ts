// Error codes and classes of the Engine.IO server. The numeric codes 0..5 and their messages are
// wire data (docs/protocol.md §1.8) and match the reference server exactly; the string `code` of each
// class is this package's stable identifier.

/** Numeric Engine.IO error codes sent in JSON error bodies and `connection_error` events (§1.8). */
export const ErrorCodes = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;

/** One of the numeric Engine.IO error codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Default message for each numeric code, indexed by code (§1.8). */
export const ErrorMessages: readonly string[] = [
  "Transport unknown",
  "Session ID unknown",
  "Bad handshake method",
  "Bad request",
  "Forbidden",
  "Unsupported protocol version",
];

/** Stable string codes of the errors this package creates. */
export const EngineErrorCodes = [
  "ERR_EIO_UNKNOWN_TRANSPORT",
  "ERR_EIO_UNKNOWN_SID",
  "ERR_EIO_BAD_HANDSHAKE_METHOD",
  "ERR_EIO_BAD_REQUEST",
  "ERR_EIO_FORBIDDEN",
  "ERR_EIO_UNSUPPORTED_PROTOCOL_VERSION",
  "ERR_EIO_PARSE_ERROR",
  "ERR_EIO_TRANSPORT_ERROR",
  "ERR_EIO_PAYLOAD_TOO_LARGE",
  "ERR_EIO_INVALID_OPTION",
] as const;

/** A stable string code of this package. */
export type EngineErrorCode = (typeof EngineErrorCodes)[number];

/** Base class of every error created by the engine. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

const REQUEST_CODES: readonly EngineErrorCode[] = EngineErrorCodes.slice(0, 6);

/**
 * A refused HTTP request or WebSocket upgrade (§1.8). `errorCode` is the wire code 0..5,
 * `status` the HTTP status of a polling refusal, `context` the details given to `connection_error`.
 */
export class RequestError extends EngineError {
  readonly errorCode: ErrorCode;
  readonly status: number;
  readonly context: Record<string, unknown>;
  constructor(errorCode: ErrorCode, context: Record<string, unknown> = {}, message?: string) {
    super(REQUEST_CODES[errorCode]!, message ?? ErrorMessages[errorCode]!);
    this.errorCode = errorCode;
    this.status = errorCode === ErrorCodes.FORBIDDEN ? 403 : 400;
    this.context = context;
  }
}

/** A packet the peer sent could not be decoded or is not allowed here; closes with `parse error`. */
export class ParseError extends EngineError {
  constructor(message = "invalid packet") {
    super("ERR_EIO_PARSE_ERROR", message);
  }
}

/** The transport failed (socket error, protocol violation); closes with `transport error`. */
export class TransportError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_EIO_TRANSPORT_ERROR", message, options);
  }
}

/** A WebSocket message exceeded `maxHttpBufferSize`; the description of that `transport error` close. */
export class PayloadTooLargeError extends EngineError {
  constructor(message = "payload exceeds maxHttpBufferSize", options?: { cause?: unknown }) {
    super("ERR_EIO_PAYLOAD_TOO_LARGE", message, options);
  }
}

/** An option passed to the server is out of range or of the wrong type. */
export class InvalidOptionError extends EngineError {
  constructor(message: string) {
    super("ERR_EIO_INVALID_OPTION", message);
  }
}
