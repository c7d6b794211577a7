// Browser build of decode-error.ts (`#decode-error`): the stable code doubles as the message, so the bundle
// carries no table of messages.
import { DecodeError, type DecodeErrorCode } from "./errors.js";

/** See decode-error.ts. @internal */
export function decodeError(code: DecodeErrorCode, cause?: unknown): DecodeError {
  return new DecodeError(code, code, cause === undefined ? undefined : { cause });
}

/** See decode-error.ts. @internal */
export function decodeErrorOf(name: keyof typeof DecodeErrorCode, cause?: unknown): DecodeError {
  // Not through decodeError, which this build's modules do not call: one function in the bundle.
  const code: DecodeErrorCode = `ERR_SIO_DECODE_${name}`;
  return new DecodeError(code, code, cause === undefined ? undefined : { cause });
}
