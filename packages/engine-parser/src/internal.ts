// `@switchboard/engine-parser/internal`: everything in the main entry plus the pieces Switchboard's engine reads
// and writes the wire with (allocation-free scanning, packet constants, base64, the Engine.IO v3 codec). For
// Switchboard's own packages and tests: not a public API, no semver promise.
export * from "./index.js";
export {
  PacketTypes,
  PacketTypeNames,
  ERROR_PACKET,
  SEPARATOR,
  isBinary,
  toBytes,
} from "./packet.js";
export { encodeBase64, decodeBase64 } from "#base64";
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
} from "./v3.js";
