export { protocol, PacketType, RESERVED_EVENTS, isPacketValid, type Packet } from "./packet.js";
export { Encoder, type EncodedPacket, type Replacer } from "./encoder.js";
export { Decoder, type DecoderOptions, type DecoderReservedEvents } from "./decoder.js";
export type { Reviver } from "./parse-packet.js";
export { hasBinary, isBinary, type Attachment, type BinaryChunk, type BlobLike } from "./binary.js";
export { DecodeError, DecodeErrorCode, EncodeError, EncodeErrorCode } from "./errors.js";
