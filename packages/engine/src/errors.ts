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

/** One of the numeric Engine.IO error codes of {@link ErrorCodes} (wire data, not a stable string code). */
export type WireErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * One of the numeric Engine.IO error codes.
 * @deprecated Use {@link WireErrorCode}: elsewhere `ErrorCode` names a catalogue of string codes.
 */
export type ErrorCode = WireErrorCode;

/** Default message for each numeric code, indexed by code (§1.8). */
export const ErrorMessages: readonly string[] = [
  "Transport unknown",
  "Session ID unknown",
  "Bad handshake method",
  "Bad request",
  "Forbidden",
  "Unsupported protocol version",
];

/** Stable string codes of the errors this package creates (listed in the README). */
export const EngineErrorCode = {
  /** Refused request, wire code 0: transport missing, unknown or disabled. */
  UNKNOWN_TRANSPORT: "ERR_EIO_UNKNOWN_TRANSPORT",
  /** Refused request, wire code 1: `sid` not found. */
  UNKNOWN_SID: "ERR_EIO_UNKNOWN_SID",
  /** Refused request, wire code 2: a handshake that is not a GET. */
  BAD_HANDSHAKE_METHOD: "ERR_EIO_BAD_HANDSHAKE_METHOD",
  /** Refused request, wire code 3. */
  BAD_REQUEST: "ERR_EIO_BAD_REQUEST",
  /** Refused request, wire code 4: `allowRequest` said no. */
  FORBIDDEN: "ERR_EIO_FORBIDDEN",
  /** Refused request, wire code 5: a handshake without `EIO=4`. */
  UNSUPPORTED_PROTOCOL_VERSION: "ERR_EIO_UNSUPPORTED_PROTOCOL_VERSION",
  /** A packet the peer sent could not be decoded; the session closes with `parse error`. */
  PARSE_ERROR: "ERR_EIO_PARSE_ERROR",
  /** The transport failed; the session closes with `transport error`. */
  TRANSPORT_ERROR: "ERR_EIO_TRANSPORT_ERROR",
  /** A WebSocket message over `maxHttpBufferSize`. */
  PAYLOAD_TOO_LARGE: "ERR_EIO_PAYLOAD_TOO_LARGE",
  /** A server option out of range or of the wrong type. */
  INVALID_OPTION: "ERR_EIO_INVALID_OPTION",
} as const;

/** A stable string code of this package. */
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/**
 * The codes of {@link EngineErrorCode} as a list, the six request refusals first (in wire-code order).
 * @deprecated Use `Object.values(EngineErrorCode)`; kept for existing imports.
 */
export const EngineErrorCodes: readonly EngineErrorCode[] = Object.values(EngineErrorCode);

/** Base class of every error created by the engine. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The string code of each refusal, indexed by its wire code. */
const REQUEST_CODES: readonly EngineErrorCode[] = [
  EngineErrorCode.UNKNOWN_TRANSPORT,
  EngineErrorCode.UNKNOWN_SID,
  EngineErrorCode.BAD_HANDSHAKE_METHOD,
  EngineErrorCode.BAD_REQUEST,
  EngineErrorCode.FORBIDDEN,
  EngineErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
];

/**
 * A refused HTTP request or WebSocket upgrade (§1.8). `errorCode` is the wire code 0..5,
 * `status` the HTTP status of a polling refusal, `context` the details given to `connection_error`.
 */
export class RequestError extends EngineError {
  readonly errorCode: WireErrorCode;
  readonly status: number;
  readonly context: Record<string, unknown>;
  constructor(errorCode: WireErrorCode, context: Record<string, unknown> = {}, message?: string) {
    super(REQUEST_CODES[errorCode]!, message ?? ErrorMessages[errorCode]!);
    this.errorCode = errorCode;
    this.status = errorCode === ErrorCodes.FORBIDDEN ? 403 : 400;
    this.context = context;
  }
}

/** A packet the peer sent could not be decoded or is not allowed here; closes with `parse error`. */
export class ParseError extends EngineError {
  constructor(message = "invalid packet", options?: { cause?: unknown }) {
    super(EngineErrorCode.PARSE_ERROR, message, options);
  }
}

/** The transport failed (socket error, protocol violation); closes with `transport error`. */
export class TransportError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(EngineErrorCode.TRANSPORT_ERROR, message, options);
  }
}

/** A WebSocket message exceeded `maxHttpBufferSize`; the description of that `transport error` close. */
export class PayloadTooLargeError extends EngineError {
  constructor(message = "payload exceeds maxHttpBufferSize", options?: { cause?: unknown }) {
    super(EngineErrorCode.PAYLOAD_TOO_LARGE, message, options);
  }
}

/** An option passed to the server is out of range or of the wrong type. */
export class InvalidOptionError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(EngineErrorCode.INVALID_OPTION, message, options);
  }
}
