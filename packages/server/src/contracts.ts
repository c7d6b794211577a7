/* Structural types of the collaborators the server plugs together. Keeping them structural lets a
 * custom parser (Socket.IO's `parser` option) or engine plug in without importing our classes. */
import type { Socket as EngineSocket } from "@switchboard/engine";
import type { Packet } from "@switchboard/parser";

/** A Socket.IO packet encoder (`socket.io-parser`'s `Encoder` shape). */
export interface PacketEncoder {
  encode(packet: Packet): unknown[];
}

/** A Socket.IO packet decoder (`socket.io-parser`'s `Decoder` shape). */
export interface PacketDecoder {
  add(chunk: unknown): void;
  destroy(): void;
  on(event: "decoded", listener: (packet: Packet) => void): unknown;
}

/** The `parser` server option: a module with `Encoder` and `Decoder` classes. */
export interface Parser {
  Encoder: new () => PacketEncoder;
  /** Called with `{ maxAttachments }` when the server option is set (socket.io-parser's `DecoderOptions`). */
  Decoder: new (opts?: { maxAttachments?: number }) => PacketDecoder;
}

/** Options of one write to an Engine.IO connection. */
export interface EngineWriteOptions {
  compress?: boolean;
}

/** The Engine.IO connection of a client (`socket.conn`). */
export type EngineConnection = EngineSocket;
