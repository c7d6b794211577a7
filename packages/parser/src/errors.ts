// Stable codes of the errors thrown by `Decoder#add()` (docs/protocol.md §2.7: any of them closes the connection
// with `parse error`). The codes never change; the messages may. One `const` per code (internal; the public
// API is `DecodeErrorCode`), so that bundlers inline the strings and drop the table where it is not used.

/** Empty packet, or a first character that is not a packet type digit 0-6. */
export const BAD_TYPE = "ERR_SIO_DECODE_BAD_TYPE";
/** Binary packet whose `<n>-` attachment count is missing, not decimal digits, or 0 (socket.io-parser 4.2.7). */
export const BAD_ATTACHMENTS = "ERR_SIO_DECODE_BAD_ATTACHMENTS";
/** Binary packet announcing more attachments than `maxAttachments` (default 10). */
export const TOO_MANY_ATTACHMENTS = "ERR_SIO_DECODE_TOO_MANY_ATTACHMENTS";
/** Namespace not terminated by `,` although the packet type requires a payload. */
export const BAD_NAMESPACE = "ERR_SIO_DECODE_BAD_NAMESPACE";
/** Ack id too large, missing on an ACK, or present on a packet type that has none. */
export const BAD_ACK_ID = "ERR_SIO_DECODE_BAD_ACK_ID";
/** The payload is not valid JSON (this includes ack ids with non-digits, e.g. `2abc["x"]`). */
export const INVALID_JSON = "ERR_SIO_DECODE_INVALID_JSON";
/** The payload does not fit the packet type (docs/protocol.md §2.1), e.g. `2{}` or `1{}`. */
export const INVALID_PAYLOAD = "ERR_SIO_DECODE_INVALID_PAYLOAD";
/** An EVENT named after a reserved event (docs/protocol.md §2.8), e.g. `2["connect"]`. */
export const RESERVED_EVENT = "ERR_SIO_DECODE_RESERVED_EVENT";
/** A binary chunk while no binary packet is waiting for attachments. */
export const UNEXPECTED_BINARY = "ERR_SIO_DECODE_UNEXPECTED_BINARY";
/** A text chunk while a binary packet is still waiting for attachments. */
export const UNEXPECTED_TEXT = "ERR_SIO_DECODE_UNEXPECTED_TEXT";
/** A placeholder whose `num` is not an integer in `[0, attachments)`. */
export const BAD_PLACEHOLDER = "ERR_SIO_DECODE_BAD_PLACEHOLDER";
/** A chunk that is neither a string nor binary data. */
export const BAD_CHUNK = "ERR_SIO_DECODE_BAD_CHUNK";

/**
 * Stable codes of the errors thrown by `Decoder#add()`, by name (see above and the README).
 */
export const DecodeErrorCode = {
  BAD_TYPE,
  BAD_ATTACHMENTS,
  TOO_MANY_ATTACHMENTS,
  BAD_NAMESPACE,
  BAD_ACK_ID,
  INVALID_JSON,
  INVALID_PAYLOAD,
  RESERVED_EVENT,
  UNEXPECTED_BINARY,
  UNEXPECTED_TEXT,
  BAD_PLACEHOLDER,
  BAD_CHUNK,
} as const;

export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/**
 * Thrown by `Decoder#add()` for input that does not follow the Socket.IO v5 protocol.
 *
 * @example
 * try {
 *   decoder.add(chunk);
 * } catch (err) {
 *   if (err instanceof DecodeError) console.log(err.code); // e.g. "ERR_SIO_DECODE_INVALID_JSON"
 *   closeConnection("parse error");
 * }
 */
export class DecodeError extends Error {
  declare readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DecodeError";
    this.code = code;
  }
}

/** `packet.type` is not one of the seven packet types. */
export const ENCODE_BAD_TYPE = "ERR_SIO_ENCODE_BAD_TYPE";

/** Stable codes of the errors thrown by `Encoder#encode()`. */
export const EncodeErrorCode = {
  BAD_TYPE: ENCODE_BAD_TYPE,
} as const;

export type EncodeErrorCode = (typeof EncodeErrorCode)[keyof typeof EncodeErrorCode];

/**
 * Thrown by `Encoder#encode()` for a packet it cannot put on the wire. (Data `JSON.stringify` refuses, such
 * as a circular structure or a BigInt, throws `JSON.stringify`'s own `TypeError`.)
 */
export class EncodeError extends Error {
  declare readonly code: EncodeErrorCode;

  constructor(code: EncodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EncodeError";
    this.code = code;
  }
}

/** Stable codes of the msgpack codec's errors (`@switchboard/parser/msgpack`; the cluster adapters use it too). */
export const MsgpackErrorCode = {
  /** Bytes that are not valid msgpack (truncated, unknown type byte, too deep, trailing bytes). */
  DECODE: "ERR_SB_MSGPACK_DECODE",
  /** Input larger than the decoder's `maxSize`. */
  TOO_LARGE: "ERR_SB_MSGPACK_TOO_LARGE",
  /** A value msgpack cannot carry (a symbol, a function at top level, a string over 4 GiB, …). */
  ENCODE: "ERR_SB_MSGPACK_ENCODE",
} as const;

export type MsgpackErrorCode = (typeof MsgpackErrorCode)[keyof typeof MsgpackErrorCode];

/**
 * Base class of the msgpack codec's errors: `code` is one of {@link MsgpackErrorCode}.
 * (Names are set literally here and in the other classes: bundles minify class names.)
 */
export class MsgpackError extends Error {
  readonly code: MsgpackErrorCode;
  constructor(code: MsgpackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MsgpackError";
    this.code = code;
  }
}

/**
 * Bytes that could not be decoded as msgpack; `offset` is where decoding stopped.
 *
 * @example
 * try { decode(bytes); } catch (err) { if (err instanceof MsgpackDecodeError) console.log(err.code, err.offset); }
 */
export class MsgpackDecodeError extends MsgpackError {
  readonly offset: number;
  constructor(message: string, offset: number, code: MsgpackErrorCode = MsgpackErrorCode.DECODE) {
    super(code, `${message} (at byte ${offset})`);
    this.name = "MsgpackDecodeError";
    this.offset = offset;
  }
}

/** A value that cannot be encoded as msgpack. */
export class MsgpackEncodeError extends MsgpackError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(MsgpackErrorCode.ENCODE, message, options);
    this.name = "MsgpackEncodeError";
  }
}
