// Public API of @switchboard/engine-parser: what engine.io-parser exports (the packet and payload codec and
// `protocol`) plus its types. The scanning helpers, constants and the v3 codec that the engine's hot paths use
// are in `@switchboard/engine-parser/internal` (no semver promise).
export {
  protocol,
  type PacketType,
  type PacketTypeCode,
  type BinaryData,
  type RawData,
  type Packet,
  type ErrorPacket,
  type DecodedPacket,
  type BinaryType,
} from "./packet.js";
export { encodePacket, decodePacket } from "./packet-codec.js";
export { encodePayload, decodePayload } from "./payload-codec.js";
export type { ScannedType, FinalPacket, OpenHandshake } from "./scan.js";
export type { V3Item } from "./v3.js";
