// `@switchboard/parser/msgpack`: a Socket.IO parser that sends each packet as one msgpack binary frame, wire-
// compatible with socket.io-msgpack-parser 3.x (docs/protocol.md §2), and the msgpack codec under it, which the
// cluster adapters also use for their messages.
//
// The codec is byte-compatible with `notepack.io` (what socket.io-msgpack-parser and @socket.io/redis-adapter use).
// Choices copied from notepack, as facts: integers use the smallest int/uint form; every non-integer number (and
// NaN/±Infinity) is float 64; `undefined` is nil; object keys whose value is undefined or a function are skipped;
// any ArrayBuffer or view is `bin` (in Node, bytes as `Buffer.from(view)` gives them); Dates are the timestamp
// extension (-1); objects with `toJSON` are encoded as its result. Decoding returns `bin` as a Buffer in Node and
// an ArrayBuffer in browsers, refuses oversized input, absurd lengths, unknown extensions, excessive nesting and
// trailing bytes, and never lets a `__proto__` key reach a prototype (the key is dropped).

export { Encoder, Decoder, type MsgpackDecoderOptions } from "./parser.js";
export { encode } from "./encode.js";
export { decode, type MsgpackDecodeOptions } from "./decode.js";
export {
  MsgpackDecodeError,
  MsgpackEncodeError,
  MsgpackError,
  MsgpackErrorCode,
} from "../errors.js";
// The rest of the main entry the client uses, so that a bundle can swap the whole module for this one.
export { protocol, PacketType, RESERVED_EVENTS, type Packet } from "../packet.js";
