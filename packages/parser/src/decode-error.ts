// Builds the error `Decoder#add()` throws; shared by both builds of parse-packet and by the placeholder pass.
import { decodeMessage } from "#decode-messages";
import { DecodeError, type DecodeErrorCode } from "./errors.js";

/** @internal */
export function decodeError(code: DecodeErrorCode, cause?: unknown): DecodeError {
  return new DecodeError(code, decodeMessage(code), cause === undefined ? undefined : { cause });
}
