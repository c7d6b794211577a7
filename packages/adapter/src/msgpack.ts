// The cluster messages' msgpack codec is the one of `@switchboard/parser/msgpack` (byte-compatible with notepack.io,
// what @socket.io/redis-adapter uses, so Switchboard and Socket.IO nodes read each other's messages). In Node it
// encodes to a Buffer and decodes `bin` as Buffers; the types here say so.
import { decode as decodeAny, encode as encodeAny } from "@switchboard/parser/msgpack";

export type { MsgpackDecodeOptions } from "@switchboard/parser/msgpack";

/**
 * Encode a value as msgpack, byte for byte as `notepack.io` would.
 * @example
 * const bytes = encode(["uid", { type: 2, data: ["hello", Buffer.from([1])], nsp: "/" }, { rooms: [] }]);
 */
export const encode = encodeAny as (value: unknown) => Buffer;

/**
 * Decode one msgpack value that must span the whole input; throws `MsgpackDecodeError` on malformed input.
 * @example
 * const [uid, packet, opts] = decode(message, { maxSize: 1e6 }) as [string, unknown, unknown];
 */
export const decode: typeof decodeAny = decodeAny;
