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
export { encodeBase64, decodeBase64 } from "#base64";
export { encodePacket, decodePacket } from "./packet-codec.js";
export { encodePayload, decodePayload } from "./payload-codec.js";
export {
  scanPacketType,
  segmentEnd,
  encodeTextMessage,
  encodeOpenPacket,
  base64MessageLength,
  BASE64_MESSAGE,
  INVALID_PACKET,
  DATA_OFFSET,
  MESSAGE_PREFIX,
  BASE64_PREFIX,
  EncodedPackets,
  type ScannedType,
  type FinalPacket,
  type OpenHandshake,
} from "./scan.js";
export {
  protocolV3,
  V3_MESSAGE_BYTE,
  encodePayloadV3,
  decodeTextPayloadV3,
  decodeBinaryPayloadV3,
  encodeBase64MessageV3,
  encodeBinaryMessageV3,
  textPacketFromV3,
  binaryPacketFromV3,
  type V3Item,
} from "./v3.js";
