export {
  protocol,
  PacketTypes,
  PacketTypeNames,
  ERROR_PACKET,
  SEPARATOR,
  isBinary,
  toBytes,
  type PacketType,
  type PacketTypeCode,
  type BinaryData,
  type RawData,
  type Packet,
  type ErrorPacket,
  type DecodedPacket,
  type BinaryType,
} from "./packet.js";
export { encodeBase64, decodeBase64 } from "./base64.js";
export { encodePacket, decodePacket } from "./packet-codec.js";
export { encodePayload, decodePayload } from "./payload-codec.js";
