/** Stable codes of the errors this package creates (listed in the README). */
export const AdapterErrorCode = {
  /** A cluster request (fetchSockets, serverSideEmit with ack) did not get every answer in time. */
  REQUEST_TIMEOUT: "ERR_SB_ADAPTER_REQUEST_TIMEOUT",
  /** Bytes that are not valid msgpack (truncated, unknown type byte, too deep, trailing bytes). */
  MSGPACK_DECODE: "ERR_SB_MSGPACK_DECODE",
  /** Input larger than the decoder's `maxSize`. */
  MSGPACK_TOO_LARGE: "ERR_SB_MSGPACK_TOO_LARGE",
  /** A value msgpack cannot carry (a symbol, a function at top level, a string over 4 GiB, …). */
  MSGPACK_ENCODE: "ERR_SB_MSGPACK_ENCODE",
} as const;
export type AdapterErrorCode = (typeof AdapterErrorCode)[keyof typeof AdapterErrorCode];

/** Base class of this package's errors: `code` is one of {@link AdapterErrorCode}. */
export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  constructor(code: AdapterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A cluster request ended at `requestsTimeout` without every answer. `responses` holds what did arrive;
 * `silentNodes` names the nodes that did not answer when they are known (heartbeat-tracked clusters), and
 * `missing` is how many answers were still expected.
 */
export class RequestTimeoutError extends AdapterError {
  readonly responses: unknown[];
  readonly silentNodes: string[];
  readonly missing: number;
  constructor(missing: number, silentNodes: string[], responses: unknown[]) {
    const who = silentNodes.length > 0 ? ` (silent nodes: ${silentNodes.join(", ")})` : "";
    super(AdapterErrorCode.REQUEST_TIMEOUT, `timeout reached: missing ${missing} responses${who}`);
    this.missing = missing;
    this.silentNodes = silentNodes;
    this.responses = responses;
  }
}

// The msgpack errors belong to the codec, which lives in @switchboard/parser/msgpack; their codes are the
// ERR_SB_MSGPACK_* entries above.
export { MsgpackDecodeError, MsgpackEncodeError } from "@switchboard/parser/msgpack";
