// Human-readable messages of the decode errors, by code. The browser bundle swaps in decode-messages.browser.ts.
import { BAD_ACK_ID, BAD_ATTACHMENTS, BAD_CHUNK, BAD_NAMESPACE, BAD_PLACEHOLDER, BAD_TYPE, INVALID_JSON, INVALID_PAYLOAD, RESERVED_EVENT, TOO_MANY_ATTACHMENTS, UNEXPECTED_BINARY, UNEXPECTED_TEXT, type DecodeErrorCode } from "./errors.js";

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

/** The message of a decode error. @internal */
export function decodeMessage(code: DecodeErrorCode): string {
  return MESSAGES[code];
}
