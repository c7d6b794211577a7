// Builds the error `Decoder#add()` throws, with a human-readable message; shared by both builds of parse-packet,
// the placeholder pass and the decoder. The browser bundle swaps in decode-error.browser.ts (`#decode-error`),
// where the code doubles as the message, so the bundle carries no table.
import {
  BAD_ACK_ID,
  BAD_ATTACHMENTS,
  BAD_CHUNK,
  BAD_NAMESPACE,
  BAD_PLACEHOLDER,
  BAD_TYPE,
  INVALID_JSON,
  INVALID_PAYLOAD,
  RESERVED_EVENT,
  TOO_MANY_ATTACHMENTS,
  UNEXPECTED_BINARY,
  UNEXPECTED_TEXT,
  DecodeError,
  type DecodeErrorCode,
} from "./errors.js";

const MESSAGES: Record<DecodeErrorCode, string> = {
  [BAD_TYPE]: "unknown packet type",
  [BAD_ATTACHMENTS]: "Illegal attachments", // socket.io-parser's words, which its users match
  [TOO_MANY_ATTACHMENTS]: "too many attachments",
  [BAD_NAMESPACE]: "namespace not terminated by ','",
  [BAD_ACK_ID]: "illegal ack id",
  [INVALID_JSON]: "invalid payload (not JSON)",
  [INVALID_PAYLOAD]: "invalid payload for packet type",
  [RESERVED_EVENT]: "reserved event name",
  [UNEXPECTED_BINARY]: "got binary data when not reconstructing a packet",
  [UNEXPECTED_TEXT]: "got text data while reconstructing a packet",
  [BAD_PLACEHOLDER]: "placeholder index is not an integer below the attachment count",
  [BAD_CHUNK]: "chunk is neither a string nor binary data",
};

/** @internal */
export function decodeError(code: DecodeErrorCode, cause?: unknown): DecodeError {
  return new DecodeError(code, MESSAGES[code], cause === undefined ? undefined : { cause });
}

/**
 * {@link decodeError} by the code's name in `DecodeErrorCode` (`"BAD_TYPE"` for `ERR_SIO_DECODE_BAD_TYPE`): the
 * browser builds name codes this way, so that the bundle spells their common prefix once. @internal
 */
export function decodeErrorOf(name: keyof typeof DecodeErrorCode, cause?: unknown): DecodeError {
  return decodeError(`ERR_SIO_DECODE_${name}`, cause);
}
