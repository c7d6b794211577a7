// One `const` per code, which the catalogue below gathers: modules use the consts, so that bundlers inline the
// strings and drop the catalogue from builds that do not export it (an app's bundle of the client).
/** An HTTP long-polling request failed (network error or non-200 status). */
export const ERR_POLL = "ERR_EIO_CLIENT_POLL";
/** An HTTP long-polling POST failed. */
export const ERR_POST = "ERR_EIO_CLIENT_POST";
/** The WebSocket failed to open or errored. */
export const ERR_WEBSOCKET = "ERR_EIO_CLIENT_WEBSOCKET";
/** The upgrade probe failed (`upgradeError`). */
export const ERR_PROBE = "ERR_EIO_CLIENT_PROBE";
/** `transports` is empty once filtered. */
export const ERR_NO_TRANSPORTS = "ERR_EIO_CLIENT_NO_TRANSPORTS";
/** Options that contradict each other (`transports` with `transportImplementations`); thrown as a TypeError. */
export const ERR_BAD_OPTIONS = "ERR_EIO_CLIENT_BAD_OPTIONS";

/** Stable codes carried by every error this package creates (see README). */
export const ErrorCode = {
  POLL: ERR_POLL,
  POST: ERR_POST,
  WEBSOCKET: ERR_WEBSOCKET,
  PROBE: ERR_PROBE,
  NO_TRANSPORTS: ERR_NO_TRANSPORTS,
  BAD_OPTIONS: ERR_BAD_OPTIONS,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A transport-level failure. The message matches engine.io-client's (`xhr poll error`, `xhr post error`,
 * `websocket error`) because applications match on it in `connect_error` handlers. (`name` is a literal, not
 * `new.target.name`, because the minified bundles rename classes.)
 */
export class TransportError extends Error {
  /** engine.io-client compatibility: `err.type === "TransportError"`. */
  readonly type = "TransportError";
  override name = "TransportError";
  // `declare`d and set in the constructor: no class-field definitions in the bundle (same for ProbeError).
  declare readonly code: ErrorCode;
  /** The underlying cause (engine.io-client's name for `cause`): an Error, an HTTP status, or an error event. */
  declare readonly description: unknown;
  /** The request or WebSocket object involved, when there is one. */
  declare readonly context?: unknown;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; context?: unknown }) {
    super(message, options);
    this.code = code;
    this.description = options?.cause;
    this.context = options?.context;
  }
}

/** The upgrade probe failed; emitted as `upgradeError`, the session continues on the old transport. */
export class ProbeError extends Error {
  readonly code = ERR_PROBE;
  override name = "ProbeError";
  /** The name of the transport that was being probed. */
  declare readonly transport: string;
  constructor(message: string, transport: string) {
    super(message);
    this.transport = transport;
  }
}
