// A small msgpack codec for cluster messages, byte-compatible with `notepack.io` (what @socket.io/redis-adapter
// uses), so Switchboard and Socket.IO nodes can read each other's messages. Choices copied from notepack, as facts:
// integers use the smallest int/uint form; every non-integer number (and NaN/±Infinity) is float 64; `undefined` is
// nil; object keys whose value is undefined or a function are skipped; any ArrayBuffer or view is `bin` (bytes as
// `Buffer.from(view)` gives them); Dates are the timestamp extension (-1); objects with `toJSON` are encoded as its
// result. Decoding returns `bin` as a Buffer, refuses oversized input, absurd lengths, unknown extensions, excessive
// nesting and trailing bytes, and never lets a `__proto__` key reach a prototype (the key is dropped).

export { encode } from "./msgpack-encode.js";
export { decode, type MsgpackDecodeOptions } from "./msgpack-decode.js";
