/** Stable codes carried by every error this package creates (see README). */
export const ErrorCode = {
  /** An HTTP long-polling request failed (network error or non-200 status). */
  POLL: "ERR_EIO_CLIENT_POLL",
  /** An HTTP long-polling POST failed. */
  POST: "ERR_EIO_CLIENT_POST",
  /** The WebSocket failed to open or errored. */
  WEBSOCKET: "ERR_EIO_CLIENT_WEBSOCKET",
  /** The upgrade probe failed (`upgradeError`). */
  PROBE: "ERR_EIO_CLIENT_PROBE",
  /** `transports` is empty once filtered. */
  NO_TRANSPORTS: "ERR_EIO_CLIENT_NO_TRANSPORTS",
  /** Options that contradict each other (`transports` with `transportImplementations`); thrown as a TypeError. */
  BAD_OPTIONS: "ERR_EIO_CLIENT_BAD_OPTIONS",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A transport-level failure. The message matches engine.io-client's (`xhr poll error`, `xhr post error`,
 * `websocket error`) because applications match on it in `connect_error` handlers.
 */
export class TransportError extends Error {
  /** engine.io-client compatibility: `err.type === "TransportError"`. */
  readonly type = "TransportError";
  override name = "TransportError";
  // `declare`d and set in the constructor: no class-field definitions in the bundle (same for ProbeError).
  declare readonly code: ErrorCode;
  /** The underlying cause: an Error, an HTTP status code, or the platform's error event. */
  declare readonly description: unknown;
  /** The request or WebSocket object involved, when there is one. */
  declare readonly context?: unknown;
  constructor(message: string, code: ErrorCode, description: unknown, context?: unknown) {
    super(message);
    this.code = code;
    this.description = description;
    this.context = context;
  }
}

/** The upgrade probe failed; emitted as `upgradeError`, the session continues on the old transport. */
export class ProbeError extends Error {
  readonly code = ErrorCode.PROBE;
  override name = "ProbeError";
  /** The name of the transport that was being probed. */
  declare readonly transport: string;
  constructor(message: string, transport: string) {
    super(message);
    this.transport = transport;
  }
}
