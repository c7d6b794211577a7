// Browser build of decode-messages.ts: the stable code doubles as the message, so the bundle carries no table.
import type { DecodeErrorCode } from "./errors.js";

/** The message of a decode error (its code, in browsers). @internal */
export function decodeMessage(code: DecodeErrorCode): string {
  return code;
}
