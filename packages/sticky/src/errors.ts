// Errors thrown by @switchboard/sticky. Only misuse throws (wrong process, bad options, a TLS server):
// bad requests from the network are answered with an HTTP status and never become exceptions.

/** Stable string codes of the errors this package throws. */
export const StickyErrorCodes = [
  "ERR_SB_STICKY_NOT_PRIMARY",
  "ERR_SB_STICKY_NOT_WORKER",
  "ERR_SB_STICKY_INVALID_OPTION",
  "ERR_SB_STICKY_NO_HTTP_SERVER",
  "ERR_SB_STICKY_TLS_UNSUPPORTED",
] as const;

/** One of {@link StickyErrorCodes}. */
export type StickyErrorCode = (typeof StickyErrorCodes)[number];

/** Thrown by `setupPrimary` / `setupWorker` when they are used wrongly. */
export class StickyError extends Error {
  readonly code: StickyErrorCode;
  constructor(code: StickyErrorCode, message: string) {
    super(message);
    this.name = "StickyError";
    this.code = code;
  }
}
