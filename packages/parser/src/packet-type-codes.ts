// The packet type digits (docs/protocol.md §2.1) as plain constants, for this package's code and the client's
// (through `@switchboard/parser/internal`). A TS enum compiles to an object that bundlers cannot see through, so
// `PacketType.EVENT` ships as a property read of a shipped object; these are inlined as digits by any bundler
// that inlines imported constants (Vite's default). `PacketType` stays the public API; a test checks both agree.
import type { PacketType } from "./packet-type.js";

export const CONNECT = 0 as PacketType.CONNECT;
export const DISCONNECT = 1 as PacketType.DISCONNECT;
export const EVENT = 2 as PacketType.EVENT;
export const ACK = 3 as PacketType.ACK;
export const CONNECT_ERROR = 4 as PacketType.CONNECT_ERROR;
export const BINARY_EVENT = 5 as PacketType.BINARY_EVENT;
export const BINARY_ACK = 6 as PacketType.BINARY_ACK;
