// Errors thrown by @switchboard/sticky. Only misuse throws (wrong process, bad options, a TLS server):
// bad requests from the network are answered with an HTTP status and never become exceptions.

/** Stable codes of the errors this package throws (listed in the README). */
export const StickyErrorCode = {
  /** `setupPrimary` called in a cluster worker. */
  NOT_PRIMARY: "ERR_SB_STICKY_NOT_PRIMARY",
  /** `setupWorker` called outside a cluster worker. */
  NOT_WORKER: "ERR_SB_STICKY_NOT_WORKER",
  /** An option out of range or of the wrong type. */
  INVALID_OPTION: "ERR_SB_STICKY_INVALID_OPTION",
  /** `setupWorker(io)` with a server that is not attached to an `http.Server`. */
  NO_HTTP_SERVER: "ERR_SB_STICKY_NO_HTTP_SERVER",
  /** `setupPrimary` given an `https`/`tls` server. */
  TLS_UNSUPPORTED: "ERR_SB_STICKY_TLS_UNSUPPORTED",
} as const;

/** One of {@link StickyErrorCode}. */
export type StickyErrorCode = (typeof StickyErrorCode)[keyof typeof StickyErrorCode];

/**
 * The codes of {@link StickyErrorCode} as a list.
 * @deprecated Use `Object.values(StickyErrorCode)`; kept for existing imports.
 */
export const StickyErrorCodes: readonly StickyErrorCode[] = Object.values(StickyErrorCode);

/** Thrown by `setupPrimary` / `setupWorker` when they are used wrongly. */
export class StickyError extends Error {
  readonly code: StickyErrorCode;
  constructor(code: StickyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
